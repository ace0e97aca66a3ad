using System.CommandLine;
using ScalePlanner.Planner.ScalingLaws;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Reports.Progress;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan fit RUNS.csv`: fit a loss law with bootstrap uncertainty and, for a budget, the compute-optimal model and data
/// size; `scaleplan fit --law NAME`: the same answer from a published law, without runs.
/// </summary>
public static class FitCommand
{
    /// <summary>Huber δ on log-loss residuals: 1e-6 to 10 (beyond about 1 every residual is inside δ and the fit is least squares).</summary>
    private static readonly NumberRange HuberDelta = new(1e-6, 10);

    public static Command Create()
    {
        var runs = new Argument<string?>("runs") { Description = "CSV with columns params, tokens (or flops), loss (not with --law).", Arity = ArgumentArity.ZeroOrOne };
        var law = new Option<string?>("--law") { Description = $"A published law instead of a runs file: {string.Join('|', PublishedLaw.All.Keys)}." };
        law.AcceptOnlyFromAmong([.. PublishedLaw.All.Keys]);
        var form = new Option<string>("--form") { Description = "chinchilla (E + A/N^α + B/D^β) or kaplan (Kaplan et al. eq. 1.5).", DefaultValueFactory = _ => "chinchilla" };
        form.AcceptOnlyFromAmong("chinchilla", "kaplan");
        var budget = new Option<double?>("--budget") { Description = "Compute budget in FLOPs for the compute-optimal answer." };
        var dollars = new Option<double?>("--budget-dollars") { Description = "Budget in dollars, turned into FLOPs at the best layout's throughput on --scenario's cluster." };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario whose cluster and best layout price the dollars." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap refits for the intervals.", DefaultValueFactory = _ => 200 };
        var delta = new Option<double>("--delta") { Description = "Huber δ on log-loss residuals (Hoffmann et al.: 1e-3).", DefaultValueFactory = _ => 1e-3 };
        var format = CommonOptions.Format("table", "json");
        var output = new Option<string?>("--out") { Description = "Folder for report.html, fit.json, parameters.csv, runs.csv and the plots (observed vs fitted, frontier, IsoFLOP, residuals)." };
        var command = new Command("fit", "Fit loss against model size and data (Chinchilla or Kaplan form), or take a published law, and recommend N and D for a budget.")
            { runs, law, form, budget, dollars, scenario, bootstrap, delta, format, output };
        command.SetAction(parse =>
        {
            OutputFolder.Validate(parse.GetValue(output));
            double? flops = ComputeBudget.Flops(parse.GetValue(budget), parse.GetValue(dollars), parse.GetValue(scenario));
            bool json = parse.GetValue(format) == "json";
            if (parse.GetValue(law) is { } name)
            {
                if (parse.GetValue(runs) is not null) throw new SpecException("--law", "give a runs file or --law, not both");
                if (parse.GetValue(output) is not null) throw new SpecException("--out", "writes the report of a fit to runs; with --law the answer is printed (--format json for a file)");
                var report = PublishedLaw.Get(name).Report(flops);
                if (json) Console.WriteLine(report.Json());
                else report.WriteTable();
                return 0;
            }
            string path = parse.GetValue(runs) ?? throw new SpecException("RUNS.csv", $"is required without --law (or pass --law {string.Join('|', PublishedLaw.All.Keys)})");
            Fit(path, parse.GetValue(form) == "kaplan" ? new KaplanForm() : new ChinchillaForm(), parse.GetValue(bootstrap), parse.GetValue(delta), flops, json, parse.GetValue(output));
            return 0;
        });
        return command;
    }

    private static void Fit(string path, IScalingForm law, int resamples, double delta, double? flops, bool json, string? folder)
    {
        new IntRange(10, 100_000, "refits").Check("--bootstrap", resamples);
        double huber = HuberDelta.Check("--delta", delta);
        var data = RunsFile.Read(path);
        if (ScalingLawFit.Plan(data.Count, resamples) is { } plan) Console.Error.WriteLine($"fitting {plan}");
        var fit = new ScalingLawFit(law, data, huber);
        var refits = ConsoleProgress.Search(progress => fit.Bootstrap(resamples, progress: progress), "bootstrap");
        var report = ScalingLawReporter.Build(fit, data, huber, refits, flops) with { Synthetic = RunsFile.IsSynthetic(path) };
        if (folder is not null)   // written before the table, so a failed write (disk full) prints nothing on stdout
        {
            var context = ReportContext.ForFit(path, [new("law", $"{law.GetType().Name}, Huber δ = {huber:G3} on log loss, {resamples} bootstrap refits")], usedTorch: false);
            CommonOptions.PrintWritten(ScalingLawBundle.Build("fit", $"Scaling law fitted to {Path.GetFileName(path)}", report, [], context).Write(folder, DateTime.UtcNow));
        }
        if (json) Console.WriteLine(report.Json());
        else report.WriteTable();
    }
}
