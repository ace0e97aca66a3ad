using ScalePlanner.Executor.Measurements;
using ScalePlanner.Reports;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>Turns a fit and its bootstrap into the report record: parameters, recommendation, per-run points, IsoFLOP curves and the frontier.</summary>
public static class ScalingLawReporter
{
    /// <summary>IsoFLOP curves at these fractions of a decade around the runs' compute range (four budgets, Hoffmann et al. Fig. 3 style).</summary>
    private const int IsoFlopBudgets = 4;

    public static ScalingLawReport Build(ScalingLawFit fit, IReadOnlyList<ScalingRun> runs, double delta, BootstrapRefits bootstrap, double? budget)
    {
        var theta = fit.Theta;
        var points = runs.Select(r => new ScalingLawReport.Point(r.Parameters, r.Tokens, r.Flops, r.Loss, fit.Loss(theta, r.Parameters, r.Tokens))).ToList();
        double low = Math.Log10(runs.Min(r => r.Flops)), high = Math.Log10(runs.Max(r => r.Flops));
        if (budget is { } b) high = Math.Max(high, Math.Log10(b));

        var frontierX = Enumerable.Range(0, 40).Select(i => Math.Pow(10, low + (high - low) * i / 39)).ToArray();
        var frontier = new ScalingLawReport.Curve("compute-optimal frontier", frontierX, [.. frontierX.Select(c => fit.Optimal(theta, c).Loss)]);

        var isoFlop = Enumerable.Range(0, IsoFlopBudgets).Select(i =>
        {
            double c = Math.Pow(10, low + (high - low) * i / (IsoFlopBudgets - 1));
            double best = fit.Optimal(theta, c).Parameters;
            var n = Enumerable.Range(0, 41).Select(k => best * Math.Pow(10, (k - 20) / 20.0)).ToArray();   // two decades around the optimum
            return new ScalingLawReport.Curve($"C = {c:0.#e0}", n, [.. n.Select(x => fit.Loss(theta, x, c / (6 * x)))]);
        }).ToList();

        return new ScalingLawReport(fit.Form.Name, delta, runs.Count, bootstrap.Count, fit.Parameters(bootstrap),
            budget is { } c ? fit.Recommend(c, bootstrap) : null, points, isoFlop, frontier);
    }
}
