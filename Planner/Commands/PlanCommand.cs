using System.CommandLine;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports.Progress;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan plan [SCENARIO.json]`: search every valid layout on every cluster option and rank them.</summary>
public static class PlanCommand
{
    public const string DefaultScenario = "gpt3-175b-1024-a100.json";

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = $"Scenario JSON file (default: the bundled {DefaultScenario}).", Arity = ArgumentArity.ZeroOrOne };
        var top = new Option<int>("--top") { Description = "How many ranked layouts to show.", DefaultValueFactory = _ => 10 };
        var format = CommonOptions.Format("table", "csv", "json");
        var objective = new Option<string?>("--objective") { Description = "Override the scenario's objective: time|cost|mfu." };
        objective.AcceptOnlyFromAmong("time", "cost", "mfu");
        var output = new Option<string?>("--out") { Description = "Folder for report.html, plan.csv, plan.json, scaling.csv and the plots (PNG, SVG)." };
        var profile = CommonOptions.Profile();
        var refine = new Option<int?>("--refine") { Description = "Re-rank the best K layouts with the event-driven timeline of one step (K ≤ --top)." };
        var command = new Command("plan", "Search every valid layout and rank by time, cost or MFU, with the Pareto front of time vs dollars.") { scenario, top, objective, format, output, profile, refine };
        command.SetAction(parse =>
        {
            OutputFolder.Validate(parse.GetValue(output));   // before the search: a bad folder is found before any table is printed
            int n = parse.GetValue(top);
            if (n < 1) throw new Simulator.Specs.SpecException("--top", $"must be a positive integer, got {n}");
            if (parse.GetValue(refine) is { } k && (k < 1 || k > n)) throw new Simulator.Specs.SpecException("--refine", $"must be between 1 and --top ({n}), got {k}");
            string path = parse.GetValue(scenario) ?? Path.Combine(AppContext.BaseDirectory, "scenarios", DefaultScenario);
            var loaded = ScenarioLoader.Load(path);
            if (parse.GetValue(objective) is { } kind)
                loaded = loaded with { Objective = loaded.Objective with { Kind = Enum.Parse<ObjectiveKind>(kind, ignoreCase: true) } };
            var deviceProfile = CommonOptions.LoadProfile(parse.GetValue(profile));
            var plan = ConsoleProgress.Search(progress => Planning.Plan(loaded, n, deviceProfile, parse.GetValue(refine), progress));
            switch (parse.GetValue(format))
            {
                case "json": Console.WriteLine(PlanJson.Serialize(plan)); break;
                case "csv": PlanCsv.Write(plan, Console.OpenStandardOutput()); break;
                default: PlanTable.Write(plan); break;
            }
            if (parse.GetValue(output) is { } folder)
            {
                Console.Error.WriteLine("scaling sweep: best layout at 1/8 to 4 times the first cluster's devices, strong and weak");
                var context = ReportContext.ForDevice(path, [.. loaded.Clusters.Select(c => c.Accelerator)], deviceProfile);
                CommonOptions.PrintWritten(PlanReport.Build(plan, ScalingSweep.Run(loaded, deviceProfile), context).Write(folder, DateTime.UtcNow));
            }
            return 0;
        });
        return command;
    }
}
