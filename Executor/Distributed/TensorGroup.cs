using System.Diagnostics;
using ScalePlanner.Mpi;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The ranks that share one layer's heads and MLP columns (and the vocabulary's rows), and the collectives Megatron-LM's f and g
/// run over them: all-reduces (Shoeybi et al. 2019, §3, Fig. 3), or with sequence parallelism all-gathers and reduce-scatters
/// along the sequence, so norms and residual adds work on T/tp positions per rank (Korthikanti et al. 2022, §4.2.2, Fig. 5); and
/// the maximum the vocabulary-parallel cross-entropy shifts by. A group of one rank passes tensors through untouched. It keeps the seconds spent in
/// those collectives, which run inside forward and backward, so the step's report can take them out of compute.
/// </summary>
public sealed class TensorGroup(OpenMpi mpi, nint communicator, int size, int rank, bool sequenceParallel = false)
{
    /// <summary>A group of this rank alone (tp = 1): every collective passes its tensor through.</summary>
    public static TensorGroup Alone() => new(null!, 0, 1, 0);

    public int Size { get; } = size;
    public int Rank { get; } = rank;
    public bool SequenceParallel { get; } = sequenceParallel;

    /// <summary>Seconds spent waiting for the group's other ranks, and in the collectives themselves, since the last <see cref="TakeSeconds"/>.</summary>
    private double waiting, seconds;

    /// <summary>f: identity forward and gradient summed backward; with sequence parallelism, all-gather forward and reduce-scatter backward.</summary>
    public Tensor CopyTo(Tensor x) => Size == 1 ? x : SequenceParallel ? TwoWay.Of(x, GatherSequence, ScatterSequence) : TwoWay.Of(x, Identity, SumOver);

    /// <summary>g: sum forward and identity backward; with sequence parallelism, reduce-scatter forward and all-gather backward.</summary>
    public Tensor ReduceFrom(Tensor x) => Size == 1 ? x : SequenceParallel ? TwoWay.Of(x, ScatterSequence, GatherSequence) : Sum(x);

    /// <summary>
    /// g on a tensor that is never split along the sequence, with or without sequence parallelism: sum forward, identity backward
    /// (the vocabulary-parallel embedding's lookup and the cross-entropy's sums, <see cref="VocabShard"/>).
    /// </summary>
    public Tensor Sum(Tensor x) => Size == 1 ? x : TwoWay.Of(x, SumOver, Identity);

    /// <summary>Into the sequence-parallel region: this rank's positions of a replicated (B, T, C) forward, gradients gathered backward.</summary>
    public Tensor EnterSequence(Tensor x) => SequenceParallel ? TwoWay.Of(x, SplitSequence, GatherSequence) : x;

    /// <summary>Out of the sequence-parallel region: all positions gathered forward, this rank's positions of the gradient backward.</summary>
    public Tensor LeaveSequence(Tensor x) => SequenceParallel ? TwoWay.Of(x, GatherSequence, SplitSequence) : x;

    private static Tensor Identity(Tensor x) => x.clone();

    /// <summary>
    /// A new contiguous tensor holding the sum of <paramref name="x"/> over the group, in its format: fp32, or bfloat16 summed in
    /// bfloat16 (Megatron-LM all-reduces bf16 activations and their gradients as they are); fp16 is summed in fp32 and rounded back
    /// (MPI has no fp16 sum).
    /// </summary>
    public Tensor SumOver(Tensor x) => Timed(() =>
    {
        var result = x.contiguous().clone();
        if (result.dtype == ScalarType.BFloat16)
        {
            mpi.AllReduceSumBfloat16(TensorMemory.Bfloat16Bits(result), communicator);
            return result;
        }
        var wide = result.to(float32);
        mpi.AllReduceSum(TensorMemory.Floats(wide), communicator);
        return wide.to(x.dtype);
    });

    /// <summary>A new contiguous fp32 tensor holding the elementwise maximum of <paramref name="x"/> over the group; outside autograd.</summary>
    public Tensor MaxOver(Tensor x) => Timed(() =>
    {
        var result = x.detach().to(float32).contiguous().clone();
        mpi.AllReduceMax(TensorMemory.Floats(result), communicator);
        return result;
    });

    /// <summary>(B, T/tp, C) on each rank → (B, T, C), rank r's positions at [r·T/tp, (r + 1)·T/tp), in the format they came in.</summary>
    private Tensor GatherSequence(Tensor x) => Timed(() =>
    {
        var part = x.contiguous();
        var all = empty([Size, .. part.shape], dtype: part.dtype);                     // (tp, B, T/tp, C)
        if (part.dtype == ScalarType.Float32) mpi.AllGather<float>(TensorMemory.Floats(part), TensorMemory.Floats(all), communicator);
        else mpi.AllGather<ushort>(TensorMemory.HalfBits(part), TensorMemory.HalfBits(all), communicator);
        return all.permute(1, 0, 2, 3).reshape(part.shape[0], Size * part.shape[1], part.shape[2]);
    });

    /// <summary>(B, T, C) partial sums on each rank → this rank's positions (B, T/tp, C) of their sum (summed in fp32, returned in the input's format).</summary>
    private Tensor ScatterSequence(Tensor x) => Timed(() =>
    {
        long b = x.shape[0], positions = x.shape[1] / Size, c = x.shape[2];
        var blocks = x.to(float32).reshape(b, Size, positions, c).permute(1, 0, 2, 3).contiguous();   // (tp, B, T/tp, C)
        var mine = empty(b, positions, c);
        mpi.ReduceScatterSum(TensorMemory.Floats(blocks), TensorMemory.Floats(mine), communicator);
        return mine.to(x.dtype);
    });

    private Tensor SplitSequence(Tensor x)
    {
        long positions = x.shape[1] / Size;
        return x.narrow(1, Rank * positions, positions).contiguous().clone();
    }

    /// <summary>
    /// The collective, after a barrier (microseconds) that splits waiting for the slowest rank of the group from communicating,
    /// as the step does for data-parallel replicas: a rank that reaches the collective early would otherwise count its wait as transfer.
    /// </summary>
    private Tensor Timed(Func<Tensor> collective)
    {
        long arrived = Stopwatch.GetTimestamp();
        mpi.Barrier(communicator);
        long start = Stopwatch.GetTimestamp();
        waiting += Stopwatch.GetElapsedTime(arrived, start).TotalSeconds;
        var result = collective();
        seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        return result;
    }

    /// <summary>Seconds waited for the other ranks and seconds in the collectives since the last call.</summary>
    public (double Wait, double Collective) TakeSeconds()
    {
        var taken = (waiting, seconds);
        (waiting, seconds) = (0, 0);
        return taken;
    }
}
