using ScalePlanner.Executor.Measurements;
using ScalePlanner.Reports;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// Fits a loss law to runs (Huber on log-loss, L-BFGS from a grid), puts a bootstrap around it (resample the runs with
/// replacement and refit; standard errors and 2.5–97.5 % percentile intervals, Efron &amp; Tibshirani 1993), and answers
/// for a compute budget C the compute-optimal N and D with C = 6ND, the predicted loss, and their intervals.
/// </summary>
public sealed class ScalingLawFit(IScalingForm form, IReadOnlyList<ScalingRun> runs, double delta)
{
    public IScalingForm Form => form;
    public double[] Theta { get; } = HuberFit.Fit(form, runs, delta, HuberFit.GridStarts(form, runs, delta));

    public double Loss(double[] theta, double parameters, double tokens) =>
        Math.Exp(form.LogLoss(theta, Math.Log(parameters), Math.Log(tokens), stackalloc double[theta.Length]));

    /// <summary>The fixed seed of the commands' bootstrap, so a report can be reproduced exactly.</summary>
    public const int BootstrapSeed = 20221;

    /// <summary>The parameter vectors of <paramref name="resamples"/> bootstrap refits, started from the full-data optimum.</summary>
    public IReadOnlyList<double[]> Bootstrap(int resamples, int seed = BootstrapSeed)
    {
        var random = new Random(seed);
        var result = new List<double[]>(resamples);
        for (int b = 0; b < resamples; b++)
        {
            var sample = Enumerable.Range(0, runs.Count).Select(_ => runs[random.Next(runs.Count)]).ToList();
            result.Add(HuberFit.Fit(form, sample, delta, [Theta]));
        }
        return result;
    }

    public IReadOnlyList<ScalingLawReport.Parameter> Parameters(IReadOnlyList<double[]> bootstrap)
    {
        var point = form.Quoted(Theta);
        var samples = bootstrap.Select(t => form.Quoted(t)).ToList();
        return [.. form.ParameterNames.Select((name, i) =>
        {
            var values = samples.Select(s => s[i]).ToArray();
            return new ScalingLawReport.Parameter(name, point[i], StandardDeviation(values), Interval(values));
        })];
    }

    public (double Parameters, double Tokens, double Loss) Optimal(double[] theta, double budget) => Optimal(form, theta, budget);

    /// <summary>argmin over N of L(N, C/(6N)) by golden-section search in log N (Kiefer 1953); the laws here are unimodal along it.</summary>
    public static (double Parameters, double Tokens, double Loss) Optimal(IScalingForm form, double[] theta, double budget)
    {
        double total = Math.Log(budget / 6), low = Math.Log(1e3), high = total - Math.Log(1e3);
        double LogLoss(double logN) => form.LogLoss(theta, logN, total - logN, stackalloc double[theta.Length]);
        const double golden = 0.6180339887498949;
        double x1 = high - golden * (high - low), x2 = low + golden * (high - low), f1 = LogLoss(x1), f2 = LogLoss(x2);
        while (high - low > 1e-7)
        {
            if (f1 < f2) { high = x2; x2 = x1; f2 = f1; x1 = high - golden * (high - low); f1 = LogLoss(x1); }
            else { low = x1; x1 = x2; f1 = f2; x2 = low + golden * (high - low); f2 = LogLoss(x2); }
        }
        double n = Math.Exp((low + high) / 2);
        return (n, budget / (6 * n), Math.Exp(LogLoss(Math.Log(n))));
    }

    public ScalingLawReport.Optimum Recommend(double budget, IReadOnlyList<double[]> bootstrap)
    {
        var (n, d, l) = Optimal(Theta, budget);
        var spread = bootstrap.Select(t => Optimal(t, budget)).ToList();
        return new ScalingLawReport.Optimum(budget, n, d, l,
            Interval([.. spread.Select(s => s.Parameters)]), Interval([.. spread.Select(s => s.Tokens)]), Interval([.. spread.Select(s => s.Loss)]));
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static double[] Interval(double[] values)
    {
        if (values.Length == 0) return [double.NaN, double.NaN];
        var sorted = values.Order().ToArray();
        return [Quantile(sorted, 0.025), Quantile(sorted, 0.975)];
    }

    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int i = (int)Math.Floor(position);
        return i + 1 < sorted.Length ? sorted[i] + (position - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }
}
