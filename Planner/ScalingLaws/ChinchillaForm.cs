namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 2), fitted as in their Approach 3 (Appendix D.2):
/// θ = (a, b, e, α, β) with A = e^a, B = e^b, E = e^e, and log L = LSE(a − α log N, b − β log D, e).
/// </summary>
public sealed class ChinchillaForm : IScalingForm
{
    public string Name => "chinchilla";
    public IReadOnlyList<string> ParameterNames { get; } = ["E", "A", "B", "alpha", "beta"];

    /// <summary>Hoffmann et al.'s initialisation grid (Appendix D.2): α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}.</summary>
    public IEnumerable<double[]> InitialGrid()
    {
        foreach (double a in Steps(0, 25, 5))
            foreach (double b in Steps(0, 25, 5))
                foreach (double e in Steps(-1, 1, 0.5))
                    foreach (double alpha in Steps(0, 2, 0.5))
                        foreach (double beta in Steps(0, 2, 0.5))
                            yield return [a, b, e, alpha, beta];
    }

    /// <summary>log L = LSE(u₀, u₁, u₂) with u = (a − α log N, b − β log D, e), written out (no spans): the fit's inner loop runs it once per run and evaluation.</summary>
    public double LogLoss(ReadOnlySpan<double> t, double logN, double logD, Span<double> g)
    {
        double u0 = t[0] - t[3] * logN, u1 = t[1] - t[4] * logD, u2 = t[2];
        double max = Math.Max(u0, Math.Max(u1, u2));
        double e0 = Math.Exp(u0 - max), e1 = Math.Exp(u1 - max), e2 = Math.Exp(u2 - max), sum = e0 + e1 + e2;
        g[0] = e0 / sum;
        g[1] = e1 / sum;
        g[2] = e2 / sum;
        g[3] = -g[0] * logN;
        g[4] = -g[1] * logD;
        return max + Math.Log(sum);
    }

    public double[] Quoted(ReadOnlySpan<double> t) => [Math.Exp(t[2]), Math.Exp(t[0]), Math.Exp(t[1]), t[3], t[4]];

    /// <summary>θ from the quoted parameters, for laws given in the literature.</summary>
    public static double[] Theta(double e, double a, double b, double alpha, double beta) => [Math.Log(a), Math.Log(b), Math.Log(e), alpha, beta];

    private static IEnumerable<double> Steps(double from, double to, double step)
    {
        for (double x = from; x <= to + 1e-9; x += step) yield return x;
    }
}
