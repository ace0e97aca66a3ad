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

    public double LogLoss(ReadOnlySpan<double> t, double logN, double logD, Span<double> g)
    {
        Span<double> u = [t[0] - t[3] * logN, t[1] - t[4] * logD, t[2]];
        Span<double> w = stackalloc double[3];
        double value = LogSumExp.Of(u, w);
        g[0] = w[0];
        g[1] = w[1];
        g[2] = w[2];
        g[3] = -w[0] * logN;
        g[4] = -w[1] * logD;
        return value;
    }

    public double[] Quoted(ReadOnlySpan<double> t) => [Math.Exp(t[2]), Math.Exp(t[0]), Math.Exp(t[1]), t[3], t[4]];

    /// <summary>θ from the quoted parameters, for laws given in the literature.</summary>
    public static double[] Theta(double e, double a, double b, double alpha, double beta) => [Math.Log(a), Math.Log(b), Math.Log(e), alpha, beta];

    private static IEnumerable<double> Steps(double from, double to, double step)
    {
        for (double x = from; x <= to + 1e-9; x += step) yield return x;
    }
}
