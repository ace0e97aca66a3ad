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

    public double TakeSeconds()
    {
        double taken = seconds;
        seconds = 0;
        return taken;
    }
}
