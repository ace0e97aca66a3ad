using ScalePlanner.Calibration.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>The ranks that share one layer's heads and MLP columns, and the all-reduce Megatron-LM's f and g run over them.</summary>
public sealed record TensorGroup(Mpi Mpi, nint Communicator, int Size, int Rank)
{
    /// <summary>A new contiguous fp32 tensor holding the sum of <paramref name="x"/> over the group.</summary>
    public Tensor SumOver(Tensor x)
    {
        var sum = x.to(float32).contiguous().clone();
        Mpi.AllReduceSum(TensorMemory.Floats(sum), Communicator);
        return sum.to(x.dtype);
    }
}
