using System.Diagnostics;
using ScalePlanner.Calibration.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The ranks that share one layer's heads and MLP columns, and the all-reduce Megatron-LM's f and g run over them. It keeps
/// the seconds spent in those all-reduces, which run inside forward and backward, so the step's report can take them out of compute.
/// </summary>
public sealed class TensorGroup(Mpi mpi, nint communicator, int size, int rank)
{
    public int Size { get; } = size;
    public int Rank { get; } = rank;

    /// <summary>Seconds spent in this group's all-reduces since the last <see cref="TakeSeconds"/>.</summary>
    private double seconds;

    /// <summary>A new contiguous fp32 tensor holding the sum of <paramref name="x"/> over the group.</summary>
    public Tensor SumOver(Tensor x)
    {
        long start = Stopwatch.GetTimestamp();
        var sum = x.to(float32).contiguous().clone();
        mpi.AllReduceSum(TensorMemory.Floats(sum), communicator);
        seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        return sum.to(x.dtype);
    }

    /// <summary>Megatron-LM's f (Shoeybi et al. 2019, §3, Fig. 3): identity forward, gradient summed over the group backward.</summary>
    public Tensor CopyTo(Tensor x) => BackwardHook.apply(x, (Func<Tensor, Tensor>)SumOver);

    /// <summary>Megatron-LM's g: the sum over the group forward, identity backward.</summary>
    public Tensor ReduceFrom(Tensor x) => ReduceFromTensorGroup.apply(x, this);

    public double TakeSeconds()
    {
        double taken = seconds;
        seconds = 0;
        return taken;
    }
}
