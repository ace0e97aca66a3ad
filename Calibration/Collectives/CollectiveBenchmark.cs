using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// Times MPI collectives on every rank of MPI_COMM_WORLD: all-reduce, all-gather and reduce-scatter of `bytes` (the full
/// buffer), and a send/recv ping-pong (half the round trip). Each repetition starts after a barrier; a repetition's time is
/// the slowest rank's (an all-reduce of the maxima). Warm-up repetitions are run and discarded.
/// </summary>
public static class CollectiveBenchmark
{
    public static List<CollectiveMeasurement> Run(OpenMpi mpi, IReadOnlyList<long> sizes, int warmups, int repetitions)
    {
        var results = new List<CollectiveMeasurement>();
        var world = mpi.World;
        foreach (var kind in Enum.GetValues<CollectiveKind>())
        {
            foreach (long bytes in sizes)
            {
                int floats = (int)(bytes / sizeof(float));
                int block = floats / mpi.Size;
                var buffer = new float[floats];
                var other = new float[floats];
                Array.Fill(buffer, mpi.Rank + 1);
                var times = new double[repetitions];
                for (int r = -warmups; r < repetitions; r++)
                {
                    mpi.Barrier(world);
                    double start = mpi.Time();
                    switch (kind)
                    {
                        case CollectiveKind.AllReduce: mpi.AllReduceSum(buffer, world); break;
                        case CollectiveKind.AllGather: mpi.AllGather(buffer.AsSpan(0, block), other.AsSpan(0, block * mpi.Size), world); break;
                        case CollectiveKind.ReduceScatter: mpi.ReduceScatterSum(buffer.AsSpan(0, block * mpi.Size), other.AsSpan(0, block), world); break;
                        default: PingPong(mpi, buffer, world); break;
                    }
                    double elapsed = mpi.Time() - start;
                    if (kind == CollectiveKind.SendRecv) elapsed /= 2; // one way of the round trip
                    double slowest = mpi.AllReduceMax(elapsed, world);
                    if (r >= 0) times[r] = slowest;
                }
                results.Add(new CollectiveMeasurement(kind.ToString(), bytes, mpi.Size, Statistics.Summarise(times)));
            }
        }
        return results;
    }

    private static void PingPong(OpenMpi mpi, float[] buffer, nint world)
    {
        if (mpi.Rank == 0)
        {
            mpi.Send(buffer, 1, 0, world);
            mpi.Receive(buffer, 1, 1, world);
        }
        else if (mpi.Rank == 1)
        {
            mpi.Receive(buffer, 0, 0, world);
            mpi.Send(buffer, 0, 1, world);
        }
    }
}
