namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Kaplan et al. 2020, eq. 1.5): no irreducible term, pure power laws in N and D
/// at their limits. θ = (log N_c, log D_c, α_N, α_D); log L = α_D · LSE((α_N/α_D)(log N_c − log N), log D_c − log D).
/// </summary>
public sealed class KaplanForm : IScalingForm
{
    public string Name => "kaplan";
    public IReadOnlyList<string> ParameterNames { get; } = ["Nc", "Dc", "alphaN", "alphaD"];

    /// <summary>Around Kaplan et al.'s fitted N_c = 8.8e13, D_c = 5.4e13, α_N = 0.076, α_D = 0.095 (Table 2), widely.</summary>
    public IEnumerable<double[]> InitialGrid()
    {
        foreach (double nc in new[] { 20.0, 25, 30, 35 })
            foreach (double dc in new[] { 20.0, 25, 30, 35 })
                foreach (double an in new[] { 0.05, 0.1, 0.2, 0.4 })
                    foreach (double ad in new[] { 0.05, 0.1, 0.2, 0.4 })
                        yield return [nc, dc, an, ad];
    }

    public double LogLoss(ReadOnlySpan<double> t, double logN, double logD, Span<double> g)
    {
        double ratio = t[2] / t[3];
        Span<double> u = [ratio * (t[0] - logN), t[1] - logD];
        Span<double> w = stackalloc double[2];
        double s = LogSumExp.Of(u, w);
        g[0] = t[2] * w[0];
        g[1] = t[3] * w[1];
        g[2] = w[0] * (t[0] - logN);
        g[3] = s - w[0] * u[0];
        return t[3] * s;
    }

    public double[] Quoted(ReadOnlySpan<double> t) => [Math.Exp(t[0]), Math.Exp(t[1]), t[2], t[3]];
}
