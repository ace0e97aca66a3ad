using System.CommandLine;
using ScalePlanner.Planner.Export;
using ScalePlanner.Simulator.Specs;
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
        var wide = new Option<bool>("--wide") { Description = "Show every ranked layout and every column (the default table groups near-ties and fits 120 columns)." };
        var ties = new Option<double>("--ties") { Description = "Group layouts within this many per cent of a better one's objective as near-ties (0: no grouping).", DefaultValueFactory = _ => NearTies.DefaultPercent };
        var emit = new Option<string?>("--emit") { Description = "Write the best layout the target can express as its launch configuration on standard output: megatron|torchtitan|deepspeed (searches that target's stack)." };
        emit.AcceptOnlyFromAmong([.. ExportTargets.All.Select(t => t.Key)]);
        var command = new Command("plan", "Search every valid layout and rank by time, cost or MFU, explain the winner, compare cluster options.") { scenario, top, objective, format, output, profile, refine, wide, ties, emit };
        command.SetAction(parse =>
        {
            OutputFolder.Validate(parse.GetValue(output));   // before the search: a bad folder is found before any table is printed
            int n = parse.GetValue(top);
            if (n < 1) throw new Simulator.Specs.SpecException("--top", $"must be a positive integer, got {n}");
            if (parse.GetValue(refine) is { } k && (k < 1 || k > n)) throw new Simulator.Specs.SpecException("--refine", $"must be between 1 and --top ({n}), got {k}");
            double tiePercent = parse.GetValue(ties);
            if (tiePercent is < 0 or > 50) throw new Simulator.Specs.SpecException("--ties", $"must be a percentage from 0 to 50, got {tiePercent}");
            string path = parse.GetValue(scenario) ?? Path.Combine(AppContext.BaseDirectory, "scenarios", DefaultScenario);
            var loaded = ScenarioLoader.Load(path);
            if (parse.GetValue(objective) is { } kind)
                loaded = loaded with { Objective = loaded.Objective with { Kind = Enum.Parse<ObjectiveKind>(kind, ignoreCase: true) } };
            var deviceProfile = CommonOptions.LoadProfile(parse.GetValue(profile));
            var target = parse.GetValue(emit) is { } key ? ExportTargets.Get(key) : null;
            if (target is not null && parse.GetValue(format) != "table") throw new Simulator.Specs.SpecException("--emit", "writes the launch configuration on standard output; leave out --format");
            if (target is not null) loaded = LaunchExport.ForTarget(loaded, target);
            var plan = ConsoleProgress.Search(progress => Planning.Plan(loaded, n, deviceProfile, parse.GetValue(refine), progress, tiePercent));
            if (parse.GetValue(output) is { } folder)   // written before the table, so a failed write (disk full) prints nothing on stdout
            {
                Console.Error.WriteLine("scaling sweep: best layout at 1/8 to 4 times the first cluster's devices, strong and weak");
                var context = ReportContext.ForDevice(path, [.. loaded.Clusters.Select(c => c.Accelerator)], deviceProfile);
                CommonOptions.PrintWritten(PlanReport.Build(plan, ScalingSweep.Run(loaded, deviceProfile), context).Write(folder, DateTime.UtcNow));
            }
            if (target is not null) Emit(target, plan, loaded);
            else Print(plan, parse.GetValue(format), parse.GetValue(wide));
            return 0;
        });
        return command;
    }

    private static void Print(Simulator.Plans.PlanResult plan, string? format, bool wide)
    {
        switch (format)
        {
            case "json": Console.WriteLine(PlanJson.Serialize(plan)); break;
            case "csv": PlanCsv.Write(plan, Console.OpenStandardOutput()); break;
            default: PlanTable.Write(plan, wide: wide); break;
        }
    }

    /// <summary>The launch configuration on standard output; which rank it is, and why better ones were skipped, on standard error.</summary>
    private static void Emit(IExportTarget target, Simulator.Plans.PlanResult plan, Scenario scenario)
    {
        var (chosen, text, skipped) = LaunchExport.FromPlan(target, plan, scenario);
        Console.Write(text);
        Console.Error.WriteLine($"{target.Key}: rank {chosen.Rank} of the plan on the {target.Stack.Key()} stack, {Reports.LayoutText.Short(chosen.Result.Layout)}");
        foreach (var line in skipped) Console.Error.WriteLine($"  skipped {line}");
    }
}
