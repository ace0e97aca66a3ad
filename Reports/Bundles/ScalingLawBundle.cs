using ScalePlanner.Reports.Html;

namespace ScalePlanner.Reports.Bundles;

/// <summary>
/// `fit --out DIR` and `study --out DIR`: fit.json, parameters.csv, runs.csv (readable by `fit`), recommendation.csv for a
/// budget, the four plots (observed vs fitted, frontier, IsoFLOP, residuals), run.json and report.html.
/// </summary>
public static class ScalingLawBundle
{
    public static ReportBundle Build(string command, string title, ScalingLawReport report, IReadOnlyList<string> findings, RunContext context)
    {
        var bundle = new ReportBundle(command, title, context);
        bundle.AddText("fit.json", report.Json());
        bundle.AddCsv("parameters.csv", writer => ScalingLawCsv.WriteParameters(writer, report));
        bundle.AddCsv("runs.csv", writer => ScalingLawCsv.WriteRuns(writer, report));
        var tables = new List<ReportTable> { new($"{report.Form} law fitted to {report.Runs} runs (Huber δ = {report.HuberDelta:G3}, {report.Bootstrap} bootstrap refits)", "parameters.csv", []) };
        if (report.Recommendation is { } optimum)
        {
            bundle.AddCsv("recommendation.csv", writer => ScalingLawCsv.WriteOptimum(writer, optimum));
            tables.Add(new ReportTable("compute-optimal model and data size for the budget (C = 6ND)", "recommendation.csv", []));
        }
        bundle.AddSection("fit", "Fitted law", findings, tables,
        [
            bundle.AddPlot("observed-vs-fitted", ScalingLawPlots.ObservedVersusFitted(report), "observed against fitted loss"),
            bundle.AddPlot("frontier", ScalingLawPlots.Frontier(report), "loss against compute with the compute-optimal frontier"),
            bundle.AddPlot("isoflop", ScalingLawPlots.IsoFlop(report), "IsoFLOP curves"),
            bundle.AddPlot("residuals", ScalingLawPlots.Residuals(report), "residuals of the fit in log loss"),
        ]);
        bundle.AddSection("runs", "Runs", [], [new ReportTable("the runs the law was fitted to", "runs.csv", [])], []);
        return bundle;
    }
}
