using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// Minimises Σ w·Huber_δ(log L̂(θ; N, D) − log L) over the runs (Hoffmann et al. 2022, Appendix D.2; w is a run's count in a
/// bootstrap resample, 1 otherwise) with L-BFGS
/// (MathNet.Numerics), started from the best points of the form's initialisation grid (Nelder–Mead where L-BFGS gives up);
/// the lowest objective wins.
/// </summary>
public static class HuberFit
{
    /// <summary>L-BFGS is started from this many of the grid's best points (scoring the whole grid is cheap, optimising from all of it is not).</summary>
    public const int Starts = 24;

    public static double[] Fit(IScalingForm form, LogRuns runs, double delta, IEnumerable<double[]> starts)
    {
        double[] best = [];
        double bestValue = double.PositiveInfinity;
        var minimizer = new LimitedMemoryBfgsMinimizer(1e-10, 1e-12, 1e-12, 10, 2000);
        foreach (var start in starts)
        {
            double[] theta;
            double value;
            try
            {
                var result = minimizer.FindMinimum(ObjectiveFunction.Gradient(v => Objective(form, runs, delta, v)), Vector<double>.Build.DenseOfArray(start));
                theta = result.MinimizingPoint.ToArray();
                value = result.FunctionInfoAtMinimum.Value;
            }
            catch (Exception ex) when (ex is MaximumIterationsException or OptimizationException or ArgumentException)
            {
                // L-BFGS's line search gives up on flat, poorly conditioned objectives (few runs): finish this start without derivatives.
                if (NelderMead(form, runs, delta, start) is not { } fallback) continue;
                (theta, value) = fallback;
            }
            if (double.IsFinite(value) && value < bestValue)
            {
                bestValue = value;
                best = theta;
            }
        }
        return best.Length > 0 ? best : throw new Simulator.Specs.SpecException("RUNS.csv", $"the {form.Name} law could not be fitted to these runs from any start");
    }

    /// <summary>Derivative-free Nelder–Mead simplex (Nelder &amp; Mead 1965, MathNet.Numerics) from one start; null when it fails too.</summary>
    private static (double[] Theta, double Value)? NelderMead(IScalingForm form, LogRuns runs, double delta, double[] start)
    {
        try
        {
            var result = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(v => Objective(form, runs, delta, v).Value), Vector<double>.Build.DenseOfArray(start), 1e-12, 20_000);
            return (result.MinimizingPoint.ToArray(), result.FunctionInfoAtMinimum.Value);
        }
        catch (Exception ex) when (ex is MaximumIterationsException or OptimizationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The best <see cref="Starts"/> points of the form's grid by objective value.</summary>
    public static IEnumerable<double[]> GridStarts(IScalingForm form, LogRuns runs, double delta) =>
        form.InitialGrid().Select(t => (Theta: t, Value: Objective(form, runs, delta, Vector<double>.Build.DenseOfArray(t)).Value))
            .Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Value).Take(Starts).Select(p => p.Theta);

    /// <summary>Runs per block of the objective's sum: above one block the blocks are summed in parallel, then added in block order (the same bits every time).</summary>
    private const int Block = 16_384;

    public static (double Value, Vector<double> Gradient) Objective(IScalingForm form, LogRuns runs, double delta, Vector<double> theta)
    {
        var t = theta.ToArray();
        int blocks = (runs.Count + Block - 1) / Block;
        if (blocks <= 1) return Mean(Sum(form, runs, delta, t, 0, runs.Count), runs);
        var parts = new (double Value, Vector<double> Gradient)[blocks];
        Parallel.For(0, blocks, b => parts[b] = Sum(form, runs, delta, t, b * Block, Math.Min(runs.Count, (b + 1) * Block)));
        double value = 0;
        var gradient = Vector<double>.Build.Dense(t.Length);
        foreach (var part in parts)
        {
            value += part.Value;
            gradient.Add(part.Gradient, gradient);
        }
        return Mean((value, gradient), runs);
    }

    /// <summary>Per unit of weight, so the optimiser's tolerances mean the same for 45 runs and for a million.</summary>
    private static (double Value, Vector<double> Gradient) Mean((double Value, Vector<double> Gradient) sum, LogRuns runs)
    {
        double total = runs.TotalWeight;
        return (sum.Value / total, sum.Gradient / total);
    }

    /// <summary>The weighted Huber loss of runs [from, to) and its gradient.</summary>
    private static (double Value, Vector<double> Gradient) Sum(IScalingForm form, LogRuns runs, double delta, double[] t, int from, int to)
    {
        var total = new double[t.Length];
        Span<double> g = stackalloc double[t.Length];
        double value = 0;
        for (int k = from; k < to; k++)
        {
            double w = runs.Weight[k];
            if (w == 0) continue;
            double r = form.LogLoss(t, runs.LogN[k], runs.LogD[k], g) - runs.LogL[k];
            // Huber (1964): r²/2 inside ±δ, δ(|r| − δ/2) outside; its derivative is r clipped to ±δ.
            value += w * (Math.Abs(r) <= delta ? r * r / 2 : delta * (Math.Abs(r) - delta / 2));
            double slope = w * Math.Clamp(r, -delta, delta);
            for (int i = 0; i < t.Length; i++) total[i] += slope * g[i];
        }
        return (value, Vector<double>.Build.DenseOfArray(total));
    }
}
