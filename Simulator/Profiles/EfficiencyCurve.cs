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

    // The table as flat arrays with the logarithms of its sizes, built once: the search evaluates curves millions of times.
    private (double[] X, double[] LogX, double[] Y)? table;

    /// <summary>Equal when the maximum, the half point and every table point are equal (not the table lists' identities, nor the cache).</summary>
    public bool Equals(EfficiencyCurve? other) =>
        other is not null && Max == other.Max && Half == other.Half
        && (Points is null ? other.Points is null : other.Points is not null && Points.Count == other.Points.Count
            && Points.Zip(other.Points).All(pair => pair.First.SequenceEqual(pair.Second)));

    public override int GetHashCode() => HashCode.Combine(Max, Half, Points?.Count ?? -1);

    public double At(double x)
    {
        if (Points is not { Count: > 0 }) return Max * x / (x + Half);
        var (xs, logs, ys) = table ??= ([.. Points.Select(p => p[0])], [.. Points.Select(p => Math.Log(p[0]))], [.. Points.Select(p => p[1])]);
        if (x <= xs[0]) return ys[0];
        if (x >= xs[^1]) return ys[^1];
        int i = 1;
        while (xs[i] < x) i++;
        double t = (Math.Log(x) - logs[i - 1]) / (logs[i] - logs[i - 1]);
        return ys[i - 1] + t * (ys[i] - ys[i - 1]);
    }
}
