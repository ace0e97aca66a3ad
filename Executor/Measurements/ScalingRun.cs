namespace ScalePlanner.Executor.Measurements;

/// <summary>One finished training run: parameters N, training tokens D, final loss.</summary>
public readonly record struct ScalingRun(double Parameters, double Tokens, double Loss)
{
    /// <summary>Training compute C ≈ 6·N·D (Kaplan et al. 2020, §2.1).</summary>
    public double Flops => 6 * Parameters * Tokens;
}
