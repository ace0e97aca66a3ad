using static TorchSharp.torch;

namespace ScalePlanner.Tests.Calibration;

/// <summary>The repaired LibTorchSharp loads on this machine and computes: a matrix product and a gradient with known values.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void Should_Initialise_Torch_And_Multiply_Matrices()
    {
        using var a = arange(6, dtype: float32).reshape(2, 3);      // [[0,1,2],[3,4,5]]
        using var b = ones(3, 2, dtype: float32);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 3, 3, 12, 12 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Should_Compute_Gradients()
    {
        using var x = tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        using var y = (x * x).sum();                                  // dy/dx = 2x
        y.backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.grad!.data<float>().ToArray());
    }
}
