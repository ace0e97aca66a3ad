namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// time = a + bytes / B, the alpha–beta form of a memory-bound kernel or a collective (Hockney 1994), fitted by relative least
/// squares on two thirds of the sizes and checked on the held-out third, then refitted on all.
/// </summary>
public static class LineFit
{
    public sealed record Result(double FixedSeconds, double BytesPerSecond, double FitMapePercent, double HeldOutMapePercent);

    /// <param name="solve">How a line is fitted to points (default <see cref="Solve"/>, relative least squares on all of them).</param>
    public static Result Fit(IReadOnlyList<(double Bytes, double Seconds)> points, Func<IReadOnlyList<(double Bytes, double Seconds)>, (double Fixed, double PerByte)>? solve = null)
    {
        solve ??= Solve;
        if (points.Count < 3) throw new Simulator.Specs.SpecException("calibrate", $"{points.Count} sizes are too few to fit a line");
        var sorted = points.OrderBy(p => p.Bytes).ToList();
        var train = sorted.Where((_, i) => !RelativeLeastSquares.HeldOut(i)).ToList();
        var held = sorted.Where((_, i) => RelativeLeastSquares.HeldOut(i)).ToList();
        var (a, b) = solve(train);
        double heldOut = RelativeLeastSquares.Mape(held.Select(p => (a + p.Bytes * b, p.Seconds)));
        (a, b) = solve(sorted);
        double fit = RelativeLeastSquares.Mape(sorted.Select(p => (a + p.Bytes * b, p.Seconds)));
        return new Result(a, 1 / b, fit, heldOut);
    }

    public static (double Fixed, double PerByte) Solve(IReadOnlyList<(double Bytes, double Seconds)> points)
    {
        var c = RelativeLeastSquares.Fit([.. points.Select(p => new[] { 1.0, p.Bytes })], [.. points.Select(p => p.Seconds)]);
        double perByte = c[1] > 0 ? c[1] : points.Max(p => p.Seconds / p.Bytes); // never a negative bandwidth
        return (Math.Max(0, c[0]), perByte);
    }
}
