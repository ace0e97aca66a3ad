using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Time of one kernel on one device by the roofline model (Williams et al. 2009): the slower of its arithmetic at the
/// size-dependent achieved fraction of peak and its memory traffic at the achieved bandwidth, plus a fixed per-kernel cost.
/// </summary>
public readonly struct KernelTimer(double peakFlops, double memoryBytesPerSecond, SaturatingCurve gemm, SaturatingCurve memory, double fusedAttentionEfficiency, double overheadSeconds)
{
    /// <summary>Batched GEMM (batch × [m×k]·[k×n]) reading both operands and writing the product once.</summary>
    public double Gemm(double m, double n, double k, double batch, int elementBytes)
    {
        double flops = 2 * m * n * k * batch;                       // one multiply and one add per MAC
        double bytes = (m * k + k * n + m * n) * batch * elementBytes;
        double arithmetic = flops / (peakFlops * gemm.At(flops / batch * 1e-9));
        return Math.Max(arithmetic, Stream(bytes)) + overheadSeconds;
    }

    /// <summary>An element-wise, normalisation or softmax kernel that streams <paramref name="bytes"/> through memory.</summary>
    public double Memory(double bytes) => Stream(bytes) + overheadSeconds;

    /// <summary>A fused attention kernel doing <paramref name="flops"/> at the profile's fused-attention efficiency.</summary>
    public double FusedAttention(double flops) => flops / (peakFlops * fusedAttentionEfficiency) + overheadSeconds;

    private double Stream(double bytes) => bytes / (memoryBytesPerSecond * memory.At(bytes * 1e-6));
}
