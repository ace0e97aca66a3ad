using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// Rotary position embedding (Su et al. 2021, eq. 34, in the rotate-half arrangement of GPT-NeoX and Llama): each pair of
/// channels (i, i + d/2) of a head is rotated by position·θ_i with θ_i = 10000^(−2i/d). Holds no parameters.
/// </summary>
public sealed class Rotary
{
    private readonly Tensor cos, sin;

    public Rotary(int headDim, int maxPositions)
    {
        using var angles = Angles(headDim, maxPositions);
        cos = angles.cos();
        sin = angles.sin();
    }

    private static Tensor Angles(int d, int positions)
    {
        var inverse = pow(10000.0, -arange(0, d, 2, dtype: float32) / d);                      // (d/2)
        var angles = outer(arange(positions, dtype: float32), inverse);                          // (T, d/2)
        return cat([angles, angles], -1);                                                        // (T, d)
    }

    /// <summary>Rotates (B, heads, T, d) queries or keys at positions 0 … T − 1.</summary>
    public Tensor Apply(Tensor x) => Rotate(x, cos[..(int)x.shape[2]], sin[..(int)x.shape[2]]);

    /// <summary>Rotates (B, heads, T, d) queries or keys at the given positions (T), as a context-parallel rank holds them.</summary>
    public Tensor Apply(Tensor x, Tensor positions) => Rotate(x, cos.index_select(0, positions), sin.index_select(0, positions));

    private static Tensor Rotate(Tensor x, Tensor cosines, Tensor sines)
    {
        long half = x.shape[3] / 2;
        var c = cosines.to(x.device).to(x.dtype);
        var s = sines.to(x.device).to(x.dtype);
        var rotated = cat([-x[.., .., .., (int)half..], x[.., .., .., ..(int)half]], -1);
        return x * c + rotated * s;
    }
}
