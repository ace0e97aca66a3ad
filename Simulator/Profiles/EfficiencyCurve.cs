namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// Achieved fraction of a peak as a function of operation size x. Either saturating, η(x) = Max·x / (x + Half) (a
/// Michaelis–Menten form: small kernels pay fixed start-up and tail costs, large ones approach Max; Calculon, Isaev et al.
/// SC23 §3.2, uses a table of the same shape), or a table of (x, η) points sorted by x, interpolated linearly in log x and
/// held constant beyond its ends (monotone for matmuls; cache steps make memory tables rise and fall).
/// </summary>
public sealed record EfficiencyCurve(double Max, double Half, IReadOnlyList<double[]>? Points = null)
{
    public static EfficiencyCurve Saturating(double max, double half) => new(max, half);

    /// <summary>A table of (size, efficiency) points sorted by size.</summary>
    public static EfficiencyCurve Table(IReadOnlyList<double[]> points) => new(points.Max(p => p[1]), 0, points);

    /// <summary>The same curve relative to a different peak: every efficiency times <paramref name="factor"/>.</summary>
    public EfficiencyCurve Scaled(double factor) => new(Max * factor, Half, Points?.Select(p => new[] { p[0], p[1] * factor }).ToList());

    public double At(double x)
    {
        if (Points is not { Count: > 0 } p) return Max * x / (x + Half);
        if (x <= p[0][0]) return p[0][1];
        if (x >= p[^1][0]) return p[^1][1];
        int i = 1;
        while (p[i][0] < x) i++;
        double t = (Math.Log(x) - Math.Log(p[i - 1][0])) / (Math.Log(p[i][0]) - Math.Log(p[i - 1][0]));
        return p[i - 1][1] + t * (p[i][1] - p[i - 1][1]);
    }
}
