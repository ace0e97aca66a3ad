namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// A loss law in its fitting parameters θ: the predicted log-loss of a run and its gradient, the starting grid, and the
/// parameters people quote (named, on their natural scale).
/// </summary>
public interface IScalingForm
{
    string Name { get; }
    IReadOnlyList<string> ParameterNames { get; }
    IEnumerable<double[]> InitialGrid();
    /// <summary>log L(N, D) for θ; fills <paramref name="gradient"/> with ∂ log L / ∂θ.</summary>
    double LogLoss(ReadOnlySpan<double> theta, double logN, double logD, Span<double> gradient);
    /// <summary>The quoted parameters (e.g. E, A, B, alpha, beta) from θ, in <see cref="ParameterNames"/> order.</summary>
    double[] Quoted(ReadOnlySpan<double> theta);
}

/// <summary>log(e^x + e^y [+ e^z]) computed without overflow, and the softmax weights that are its gradient.</summary>
public static class LogSumExp
{
    public static double Of(ReadOnlySpan<double> u, Span<double> weights)
    {
        double max = double.NegativeInfinity;
        foreach (double x in u) max = Math.Max(max, x);
        double sum = 0;
        for (int i = 0; i < u.Length; i++) sum += weights[i] = Math.Exp(u[i] - max);
        for (int i = 0; i < u.Length; i++) weights[i] /= sum;
        return max + Math.Log(sum);
    }
}
