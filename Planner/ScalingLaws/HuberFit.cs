using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// Minimises Σ Huber_δ(log L̂(θ; N, D) − log L) over the runs (Hoffmann et al. 2022, Appendix D.2) with L-BFGS
/// (MathNet.Numerics), started from the best points of the form's initialisation grid (Nelder–Mead where L-BFGS gives up);
/// the lowest objective wins.
/// </summary>
public static class HuberFit
{
    /// <summary>L-BFGS is started from this many of the grid's best points (scoring the whole grid is cheap, optimising from all of it is not).</summary>
    public const int Starts = 24;

    public static double[] Fit(IScalingForm form, IReadOnlyList<ScalingRun> runs, double delta, IEnumerable<double[]> starts)
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
    private static (double[] Theta, double Value)? NelderMead(IScalingForm form, IReadOnlyList<ScalingRun> runs, double delta, double[] start)
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
    public static IEnumerable<double[]> GridStarts(IScalingForm form, IReadOnlyList<ScalingRun> runs, double delta) =>
        form.InitialGrid().Select(t => (Theta: t, Value: Objective(form, runs, delta, Vector<double>.Build.DenseOfArray(t)).Value))
            .Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Value).Take(Starts).Select(p => p.Theta);

    public static (double Value, Vector<double> Gradient) Objective(IScalingForm form, IReadOnlyList<ScalingRun> runs, double delta, Vector<double> theta)
    {
        var t = theta.ToArray();
        var total = new double[t.Length];
        Span<double> g = stackalloc double[t.Length];
        double value = 0;
        foreach (var run in runs)
        {
            double r = form.LogLoss(t, Math.Log(run.Parameters), Math.Log(run.Tokens), g) - Math.Log(run.Loss);
            // Huber (1964): r²/2 inside ±δ, δ(|r| − δ/2) outside; its derivative is r clipped to ±δ.
            value += Math.Abs(r) <= delta ? r * r / 2 : delta * (Math.Abs(r) - delta / 2);
            double slope = Math.Clamp(r, -delta, delta);
            for (int i = 0; i < t.Length; i++) total[i] += slope * g[i];
        }
        return (value, Vector<double>.Build.DenseOfArray(total));
    }
}
