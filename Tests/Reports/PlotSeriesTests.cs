using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Plans;
using ScottPlot.Plottables;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Tests.Reports;

public class PlotSeriesTests(FixedPlan fixedPlan) : IClassFixture<FixedPlan>
{
    /// <summary>
    /// Stacked bars add the parts in the order TimeParts.Total adds them, so the top of each bar is the step time up to
    /// rounding of the same additions; 1e-12 relative allows for nothing more.
    /// </summary>
    private const double SameSum = 1e-12;

    private IReadOnlyList<(string, SimulationResult)> Ranked => [.. fixedPlan.Plan.Top.Select(r => ($"#{r.Rank}", r.Result))];

    [Fact]
    public void Time_Bars_Have_One_Series_Per_Nonzero_Part_Stacking_To_The_Step_Time()
    {
        var plot = BreakdownPlots.Time("t", Ranked);
        var series = plot.GetPlottables<BarPlot>().ToList();
        var expected = BreakdownPlots.TimeParts.Where(p => fixedPlan.Plan.Top.Any(r => p.Value(r.Result.Time) > 0)).Select(p => p.Name);
        Assert.Equal(expected, series.Select(s => s.LegendText));
        Assert.Contains("compute", series.Select(s => s.LegendText));
        for (int i = 0; i < fixedPlan.Plan.Top.Count; i++)
        {
            double top = series.SelectMany(s => s.Bars).Where(b => b.Position == -i).Max(b => b.Value);
            double step = fixedPlan.Plan.Top[i].Result.StepTimeSeconds;
            Assert.True(Math.Abs(top - step) <= SameSum * step, $"bar {i}: {top} against step time {step}");
        }
    }

    [Fact]
    public void Memory_Bars_Mark_Each_Devices_Capacity()
    {
        var plot = BreakdownPlots.Memory("m", Ranked);
        Assert.Equal(["weights", "gradients", "optimizer states", "activations", "other"], plot.GetPlottables<BarPlot>().Select(s => s.LegendText));
        var capacity = Assert.Single(plot.GetPlottables<Scatter>());
        Assert.Equal("device capacity", capacity.LegendText);
        var points = capacity.Data.GetScatterPoints();
        Assert.Equal(fixedPlan.Plan.Top.Select(r => r.Result.MemoryCapacityBytes / 1e9), points.Select(p => p.X));
        Assert.Equal(24.0, points[0].X); // L4: 24 GB
    }

    [Fact]
    public void Scaling_Plots_Have_A_Strong_And_A_Weak_Curve_Over_The_Device_Counts()
    {
        var throughput = ScalingPlots.Throughput("s", fixedPlan.Scaling).GetPlottables<Scatter>().ToList();
        Assert.Equal(["strong (fixed global batch)", "weak (batch grows with devices)"], throughput.Select(s => s.LegendText));
        var strong = throughput[0].Data.GetScatterPoints();
        // 8 devices × 1/8 … 4: 1, 2, 4, 8, 16, 32 devices on the log2 axis
        Assert.Equal([0.0, 1, 2, 3, 4, 5], strong.Select(p => p.X));
        Assert.Equal(fixedPlan.Scaling.Where(p => p.Mode == ScalingMode.Strong).Select(p => p.TokensPerSecond), strong.Select(p => p.Y));
        var efficiency = ScalingPlots.Efficiency("s", fixedPlan.Scaling);
        Assert.Equal(1.0, efficiency.GetPlottables<Scatter>().First().Data.GetScatterPoints()[0].Y);
        Assert.Equal(1.0, Assert.Single(efficiency.GetPlottables<HorizontalLine>()).Y);
    }

    [Fact]
    public void Strong_Scaling_Efficiency_Falls_As_Devices_Share_A_Fixed_Batch()
    {
        var strong = fixedPlan.Scaling.Where(p => p.Mode == ScalingMode.Strong).ToList();
        Assert.True(strong.Count >= 4, $"only {strong.Count} device counts found a layout");
        Assert.True(strong[^1].Efficiency < strong[0].Efficiency, "communication cannot be free when a fixed batch is spread over more devices");
        Assert.All(strong, p => Assert.Equal(fixedPlan.Scenario.Training.GlobalBatchSize, p.GlobalBatchSize));
        var weak = fixedPlan.Scaling.Where(p => p.Mode == ScalingMode.Weak).ToList();
        Assert.All(weak, p => Assert.Equal(fixedPlan.Scenario.Training.GlobalBatchSize * p.Devices / fixedPlan.Scenario.Clusters[0].Devices, p.GlobalBatchSize));
    }

    [Fact]
    public void Execution_Plot_Shows_Warmup_Measured_Steps_And_The_Prediction()
    {
        var predicted = fixedPlan.Plan.Top[0].Result;
        StepMetrics[] steps = [.. Enumerable.Range(0, 5).Select(i => new StepMetrics(i, 4 - i * 0.1, 1000, 0.5 + i * 0.01, 0, 0.2, 0.25, 0.05, 1, 1e-3))];
        var plot = ExecutionPlots.StepTime("e", predicted, steps, warmup: 2);
        var scatters = plot.GetPlottables<Scatter>().ToList();
        Assert.Equal(["measured, warm-up (left out)", "measured"], scatters.Select(s => s.LegendText));
        Assert.Equal([1.0, 2], scatters[0].Data.GetScatterPoints().Select(p => p.X));
        Assert.Equal([0.52, 0.53, 0.54], scatters[1].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal(predicted.StepTimeSeconds, Assert.Single(plot.GetPlottables<HorizontalLine>()).Y);
    }

    [Fact]
    public void Calibration_Plot_Has_Measured_Points_And_A_Fitted_Line_Per_Curve()
    {
        CalibrationCurve[] curves =
        [
            new("memory", "copy", [0, 1], [10, 20], [0, 0.5, 1], [11, 15, 19]),
            new("memory", "softmax", [0, 1], [5, 6], [0, 1], [5, 6]),
            new("matmul", "fp32", [0], [1], [0], [1]),
        ];
        var plot = CalibrationPlots.Build(new CalibrationAxes("memory", "t", "x", "y"), curves);
        var series = plot.GetPlottables<Scatter>().ToList();
        Assert.Equal(["copy measured", "copy fitted", "softmax measured", "softmax fitted"], series.Select(s => s.LegendText));
        Assert.Equal([11.0, 15, 19], series[1].Data.GetScatterPoints().Select(p => p.Y));
        Assert.Equal(series[0].Color, series[1].Color);
        Assert.NotEqual(series[0].Color, series[2].Color);
    }
}
