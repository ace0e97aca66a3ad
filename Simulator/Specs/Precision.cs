namespace ScalePlanner.Simulator.Specs;

/// <summary>Number format of the matrix multiplications. Half formats train with fp32 master weights (Micikevicius et al. 2018).</summary>
public enum Precision { Fp32, Tf32, Fp16, Bf16, Fp8 }

public static class PrecisionFacts
{
    public static readonly Precision[] All = [Precision.Fp32, Precision.Tf32, Precision.Fp16, Precision.Bf16, Precision.Fp8];

    public static string Key(this Precision p) => p.ToString().ToLowerInvariant();

    /// <summary>True where the practice is mixed precision: half-size working copies plus fp32 master weights in the optimizer.</summary>
    public static bool IsMixed(this Precision p) => p is Precision.Fp16 or Precision.Bf16 or Precision.Fp8;

    /// <summary>Bytes of a stored activation or working weight. fp8 keeps bf16 weights and activations outside the GEMM inputs (NVIDIA Transformer Engine docs, "FP8 primer").</summary>
    public static int ActivationBytes(this Precision p) => p.IsMixed() ? 2 : 4;

    public static bool TryParse(string text, out Precision precision)
    {
        foreach (var p in All)
        {
            if (p.Key() == text) { precision = p; return true; }
        }
        precision = default;
        return false;
    }
}
