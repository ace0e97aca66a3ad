using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Export;

/// <summary>
/// `--emit TARGET`: a layout written out as the target framework's launch configuration. `simulate` writes the layout it was
/// given or refuses it in one line; `plan` searches the target's own stack and writes the best ranked layout the target can
/// express, saying which rank that is and why the better ones could not be written.
/// </summary>
public static class LaunchExport
{
    public static string Emit(IExportTarget target, TrainingJob job, Layout layout, string title) =>
        target.Refusal(job, layout) is { } why
            ? throw new SpecException("--emit", $"{target.Key} cannot express {LayoutText.Short(layout)}: {why}")
            : target.Write(job, layout, title);

    /// <summary>The scenario searched on the target's stack only (Megatron-LM, FSDP for torchtitan, DeepSpeed).</summary>
    public static Scenario ForTarget(Scenario scenario, IExportTarget target) =>
        scenario with { Search = scenario.Search with { Framework = [target.Stack] } };

    /// <summary>The first ranked layout the target can express, its configuration, and the refusals of the ranks above it.</summary>
    public static (RankedLayout Chosen, string Text, IReadOnlyList<string> Skipped) FromPlan(IExportTarget target, PlanResult plan, Scenario scenario)
    {
        var skipped = new List<string>();
        foreach (var ranked in plan.Top)
        {
            var job = new TrainingJob(scenario.Model, ranked.Cluster, scenario.Training with { Framework = ranked.Result.Framework });
            if (target.Refusal(job, ranked.Result.Layout) is { } why)
            {
                skipped.Add($"#{ranked.Rank}: {why}");
                continue;
            }
            var r = ranked.Result;
            string title = $"{scenario.Name}: rank {ranked.Rank} of the plan, {LayoutText.Short(r.Layout)} on {ranked.Cluster.Devices} × {ranked.Cluster.Accelerator.Key}, "
                           + $"predicted step {Units.Seconds(r.StepTimeSeconds)}, time to train {BandText.Seconds(r.TimeToTrainSeconds, ranked.Band)}";
            return (ranked, target.Write(job, r.Layout, title), skipped);
        }
        throw new SpecException("--emit", plan.Top.Count == 0
            ? $"no layout fits on the {target.Stack.Key()} stack, so there is nothing to write for {target.Key}"
            : $"none of the best {plan.Top.Count} layouts can be written for {target.Key} ({skipped[0]}); raise --top or open the search");
    }
}
