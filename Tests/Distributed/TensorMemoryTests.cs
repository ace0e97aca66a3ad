using ScalePlanner.Executor.Distributed;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Distributed;

public class TensorMemoryTests
{
    [Fact]
    public void Should_Expose_The_Tensors_Own_Storage_So_MPI_Writes_Land_In_The_Tensor()
    {
        using var tensor = zeros(2, 3);
        var span = TensorMemory.Floats(tensor);
        Assert.Equal(6, span.Length);
        span[4] = 7f;
        Assert.Equal(7f, tensor[1, 1].item<float>());
    }

    [Fact]
    public void Should_Refuse_A_Strided_View_Whose_Elements_Are_Not_Adjacent()
    {
        using var tensor = zeros(2, 3);
        using var transposed = tensor.t();
        Assert.Throws<ArgumentException>(() => TensorMemory.Floats(transposed));
    }
}
