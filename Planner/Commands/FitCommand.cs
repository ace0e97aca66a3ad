using System.CommandLine;
using ScalePlanner.Planner.ScalingLaws;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Reports.Progress;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan fit RUNS.csv`: fit a loss law with bootstrap uncertainty and, for a budget, the compute-optimal model and data size.</summary>
public static class FitCommand
{
    /// <summary>Huber δ on log-loss residuals: 1e-6 to 10 (beyond about 1 every residual is inside δ and the fit is least squares).</summary>
    private static readonly NumberRange HuberDelta = new(1e-6, 10);

    public static Command Create()
    {
        var runs = new Argument<string>("runs") { Description = "CSV with columns params, tokens (or flops), loss." };
        var form = new Option<string>("--form") { Description = "chinchilla (E + A/N^α + B/D^β) or kaplan (Kaplan et al. eq. 1.5).", DefaultValueFactory = _ => "chinchilla" };
        form.AcceptOnlyFromAmong("chinchilla", "kaplan");
        var budget = new Option<double?>("--budget") { Description = "Compute budget in FLOPs for the compute-optimal answer." };
        var dollars = new Option<double?>("--budget-dollars") { Description = "Budget in dollars, turned into FLOPs at the best layout's throughput on --scenario's cluster." };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario whose cluster and best layout price the dollars." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap refits for the intervals.", DefaultValueFactory = _ => 200 };
        var delta = new Option<double>("--delta") { Description = "Huber δ on log-loss residuals (Hoffmann et al.: 1e-3).", DefaultValueFactory = _ => 1e-3 };
        var format = CommonOptions.Format("table", "json");
        var output = new Option<string?>("--out") { Description = "Folder for report.html, fit.json, parameters.csv, runs.csv and the plots (observed vs fitted, frontier, IsoFLOP, residuals)." };
        var command = new Command("fit", "Fit loss against model size and data (Chinchilla or Kaplan form) and recommend N and D for a budget.")
            { runs, form, budget, dollars, scenario, bootstrap, delta, format, output };
        command.SetAction(parse =>
        {
            OutputFolder.Validate(parse.GetValue(output));
            int resamples = parse.GetValue(bootstrap);
            new IntRange(10, 100_000, "refits").Check("--bootstrap", resamples);
            double huber = HuberDelta.Check("--delta", parse.GetValue(delta));
            var data = RunsFile.Read(parse.GetValue(runs)!);
            double? flops = ComputeBudget.Flops(parse.GetValue(budget), parse.GetValue(dollars), parse.GetValue(scenario));
            IScalingForm law = parse.GetValue(form) == "kaplan" ? new KaplanForm() : new ChinchillaForm();
            if (ScalingLawFit.Plan(data.Count, resamples) is { } plan) Console.Error.WriteLine($"fitting {plan}");
            var fit = new ScalingLawFit(law, data, huber);
            var refits = ConsoleProgress.Search(progress => fit.Bootstrap(resamples, progress: progress), "bootstrap");
            var report = ScalingLawReporter.Build(fit, data, huber, refits, flops);
            if (parse.GetValue(format) == "json") Console.WriteLine(report.Json());
            else report.WriteTable();
            if (parse.GetValue(output) is { } folder)
            {
                var context = ReportContext.ForFit(parse.GetValue(runs), [new("law", $"{law.GetType().Name}, Huber δ = {huber:G3} on log loss, {resamples} bootstrap refits")], usedTorch: false);
                CommonOptions.PrintWritten(ScalingLawBundle.Build("fit", $"Scaling law fitted to {Path.GetFileName(parse.GetValue(runs))}", report, [], context).Write(folder, DateTime.UtcNow));
            }
            return 0;
        });
        return command;
    }
}
