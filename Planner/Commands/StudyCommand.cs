using System.CommandLine;
using ScalePlanner.Executor.Study;
using ScalePlanner.Planner.ScalingLaws;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan study [--quick]`: train a grid of small GPTs on the synthetic source, fit L(N, D), and set the fitted E against the source's entropy rate.</summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "3 widths × 3 token budgets instead of 4 × 4." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap refits for the intervals.", DefaultValueFactory = _ => 200 };
        var output = new Option<string?>("--out") { Description = "Folder for report.html, runs.csv, fit.json, parameters.csv and the plots." };
        var command = new Command("study", "Train a grid of small GPTs with the executor on the synthetic source and fit a scaling law to them.") { quick, bootstrap, output };
        command.SetAction(parse =>
        {
            OutputFolder.Validate(parse.GetValue(output));
            var grid = parse.GetValue(quick) ? ScalingStudy.Quick : ScalingStudy.Full;
            var busy = BusyMachineWarning.Start();
            var (runs, entropy) = ScalingStudy.Run(grid, line => Console.Error.WriteLine(line));
            busy.Report("study");
            const double delta = 1e-3;
            var fit = new ScalingLawFit(new ChinchillaForm(), runs, delta);
            // A study's 9-16 runs over one decade leave many resamples degenerate: they are left out of its (wide) intervals, not an error.
            var report = ScalingLawReporter.Build(fit, runs, delta, fit.Bootstrap(parse.GetValue(bootstrap), maxDegenerateShare: 1), null);
            report.WriteTable();
            var e = report.Parameters.First(p => p.Name == "E");
            string finding = $"fitted irreducible loss E = {e.Value:F4} [{e.Ci95[0]:F4}, {e.Ci95[1]:F4}]; the source's entropy rate is {entropy:F4} nats/token ({(e.Value - entropy) / entropy * 100:+0.0;-0.0} %)";
            Console.WriteLine(finding);
            if (parse.GetValue(output) is { } folder)
            {
                var context = ReportContext.ForFit(null, [new("runs", $"{runs.Count} GPTs trained by the executor on the synthetic Markov source ({(parse.GetValue(quick) ? "quick" : "full")} grid)")], usedTorch: true);
                CommonOptions.PrintWritten(ScalingLawBundle.Build("study", "Scaling study on the synthetic source", report, [finding], context).Write(folder, DateTime.UtcNow));
            }
            return 0;
        });
        return command;
    }
}
