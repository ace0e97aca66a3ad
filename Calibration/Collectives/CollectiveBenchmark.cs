using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// Times MPI collectives on a group of ranks (every rank of MPI_COMM_WORLD, or one of several groups measured at once):
/// all-reduce, all-gather and reduce-scatter of `bytes` (the full buffer), and a send/recv ping-pong (half the round trip).
/// Each repetition starts after a barrier of the whole world, so groups measured at once share the links as they would in a
/// run; a repetition's time is the group's slowest rank's (an all-reduce of the maxima). Warm-up repetitions are discarded.
/// </summary>
public static class CollectiveBenchmark
{
    /// <summary>A communicator, this rank's place in it and its size; <c>InterNode</c> when its ranks sit on different machines.</summary>
    public readonly record struct Group(nint Handle, int Rank, int Size, bool InterNode = false);

    public static List<CollectiveMeasurement> Run(OpenMpi mpi, IReadOnlyList<long> sizes, int warmups, int repetitions) =>
        Run(mpi, new Group(mpi.World, mpi.Rank, mpi.Size), sizes, warmups, repetitions);

    public static List<CollectiveMeasurement> Run(OpenMpi mpi, Group group, IReadOnlyList<long> sizes, int warmups, int repetitions)
    {
        var results = new List<CollectiveMeasurement>();
        var comm = group.Handle;
        foreach (var kind in Enum.GetValues<CollectiveKind>())
        {
            foreach (long bytes in sizes)
            {
                int floats = (int)(bytes / sizeof(float));
                int block = floats / group.Size;
                var buffer = new float[floats];
                var other = new float[floats];
                Array.Fill(buffer, mpi.Rank + 1);
                var times = new double[repetitions];
                for (int r = -warmups; r < repetitions; r++)
                {
                    mpi.Barrier(mpi.World);
                    double start = mpi.Time();
                    switch (kind)
                    {
                        case CollectiveKind.AllReduce: mpi.AllReduceSum(buffer, comm); break;
                        case CollectiveKind.AllGather: mpi.AllGather(buffer.AsSpan(0, block), other.AsSpan(0, block * group.Size), comm); break;
                        case CollectiveKind.ReduceScatter: mpi.ReduceScatterSum(buffer.AsSpan(0, block * group.Size), other.AsSpan(0, block), comm); break;
                        default: PingPong(mpi, group.Rank, buffer, comm); break;
                    }
                    double elapsed = mpi.Time() - start;
                    if (kind == CollectiveKind.SendRecv) elapsed /= 2; // one way of the round trip
                    double slowest = mpi.AllReduceMax(elapsed, comm);
                    if (r >= 0) times[r] = slowest;
                }
                results.Add(new CollectiveMeasurement(kind.ToString(), bytes, group.Size, Statistics.Summarise(times), group.InterNode));
            }
        }
        return results;
    }

    private static void PingPong(OpenMpi mpi, int rank, float[] buffer, nint comm)
    {
        if (rank == 0)
        {
            mpi.Send(buffer, 1, 0, comm);
            mpi.Receive(buffer, 1, 1, comm);
        }
        else if (rank == 1)
        {
            mpi.Receive(buffer, 0, 0, comm);
            mpi.Send(buffer, 0, 1, comm);
        }
    }
}
