using System.Diagnostics;
using ScalePlanner.Executor.Model;
using ScalePlanner.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Expert parallelism's dispatch and combine over the ep ranks of an expert group (Lepikhin et al. 2021, GShard §2.2; Megatron-Core's
/// MoEAlltoAllTokenDispatcher): ep rank r holds routed experts [r·E/ep, (r + 1)·E/ep). Each rank's token rows, grouped by expert,
/// go to the ranks holding their experts in one MPI_Alltoallv, after the per-expert row counts are exchanged with MPI_Alltoall; the
/// received rows (by source rank, then local expert) are regrouped by local expert, computed, put back in arrival order and
/// returned by a second MPI_Alltoallv with the counts reversed. Backward runs the same exchanges on the gradients the other way
/// (the transpose of a permutation is its inverse). Dropless: every row travels, however many an expert gets.
/// </summary>
public sealed class ExpertExchange(OpenMpi mpi, nint communicator, int size, int rank, int experts) : IExpertDispatch
{
    private double seconds;

    public int LocalExperts { get; } = experts / size;

    /// <summary>The first routed expert this ep rank holds.</summary>
    public int FirstExpert => rank * LocalExperts;

    public Tensor Run(Tensor rows, long[] perExpert, Func<Tensor, long[], Tensor> compute)
    {
        var arriving = new long[perExpert.Length];                                   // [source rank][local expert]
        Timed(() => mpi.AllToAll<long>(perExpert, arriving, size, communicator));
        int[] sent = PerRank(perExpert), received = PerRank(arriving);
        var inbound = TwoWay.Of(rows, r => Exchange(r, sent, received), g => Exchange(g, received, sent));   // (Σ received, C)
        var (byExpert, localCounts) = ByLocalExpert(arriving);
        var computed = compute(inbound.index_select(0, byExpert), localCounts);           // rows grouped by local expert
        var arrivalOrder = computed.index_select(0, byExpert.argsort());
        return TwoWay.Of(arrivalOrder, r => Exchange(r, received, sent), g => Exchange(g, sent, received));
    }

    /// <summary>Rows per rank: the sum of each rank's block of E/ep expert counts.</summary>
    private int[] PerRank(long[] counts) =>
        [.. Enumerable.Range(0, size).Select(r => checked((int)counts.Skip(r * LocalExperts).Take(LocalExperts).Sum()))];

    /// <summary>
    /// The arrived rows (blocks by source rank, each by local expert) in local-expert order, as indices into the arrival order, and
    /// the rows of each local expert.
    /// </summary>
    private (Tensor Order, long[] Counts) ByLocalExpert(long[] arriving)
    {
        var starts = new long[arriving.Length];
        for (int i = 1; i < arriving.Length; i++) starts[i] = starts[i - 1] + arriving[i - 1];
        var order = new List<long>();
        var counts = new long[LocalExperts];
        for (int e = 0; e < LocalExperts; e++)
        {
            for (int source = 0; source < size; source++)
            {
                int block = source * LocalExperts + e;
                for (long row = 0; row < arriving[block]; row++) order.Add(starts[block] + row);
                counts[e] += arriving[block];
            }
        }
        return (tensor(order.ToArray(), dtype: int64), counts);
    }

    /// <summary>MPI_Alltoallv of rows (n, C): <paramref name="send"/>[r] rows to rank r, <paramref name="receive"/>[s] rows from rank s, in the rows' format.</summary>
    private Tensor Exchange(Tensor x, int[] send, int[] receive) => Timed(() =>
    {
        var part = x.contiguous();
        long width = part.shape[1];
        int[] sendElements = [.. send.Select(n => checked(n * (int)width))], receiveElements = [.. receive.Select(n => checked(n * (int)width))];
        var result = empty([receive.Sum(), width], dtype: part.dtype);
        if (part.dtype == ScalarType.Float32) mpi.AllToAll<float>(TensorMemory.Floats(part), sendElements, TensorMemory.Floats(result), receiveElements, communicator);
        else mpi.AllToAll<ushort>(TensorMemory.HalfBits(part), sendElements, TensorMemory.HalfBits(result), receiveElements, communicator);
        return result;
    });

    private T Timed<T>(Func<T> exchange)
    {
        long start = Stopwatch.GetTimestamp();
        var result = exchange();
        seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        return result;
    }

    private void Timed(Action exchange) => Timed(() => { exchange(); return 0; });

    /// <summary>Seconds spent in the exchanges since the last call.</summary>
    public double TakeSeconds()
    {
        double taken = seconds;
        seconds = 0;
        return taken;
    }
}
