using System.CommandLine;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Specs;
using Spectre.Console;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan bench`: the planner's speed on its reference problem, GPT-3 175B on 1,024 and 4,096 A100 with every dimension
/// open, the three software stacks and uneven pipeline stages included. One warm-up search (JIT), then the median of the
/// measured repetitions.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var repeat = new Option<int>("--repeat") { Description = "Measured repetitions per problem.", DefaultValueFactory = _ => 5 };
        var timelineOnly = new Option<bool>("--timeline") { Description = "Only the event-driven timeline's speed (one step of 1,024 devices with 64 micro-batches)." };
        var command = new Command("bench", "Measure search speed (GPT-3 175B on 1,024 and 4,096 A100) and the timeline's speed (one step on 1,024 A100, 64 micro-batches).") { repeat, timelineOnly };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(repeat);
            if (n < 1) throw new SpecException("--repeat", $"must be a positive integer, got {n}");
            if (parse.GetValue(timelineOnly))
            {
                AnsiConsole.Write(TimelineBench.Run(n));
                AnsiConsole.WriteLine($"{Environment.ProcessorCount} logical processors");
                return 0;
            }
            var table = new Table().AddColumns("problem", "valid layouts", "fit", "median wall s", "min wall s", "M layouts/s (median)");
            foreach (int nodes in new[] { 128, 512 })
            {
                var scenario = Reference(nodes);
                PlanSearch.Run(scenario, 10);
                var runs = Enumerable.Range(0, n).Select(_ => PlanSearch.Run(scenario, 10)).OrderBy(r => r.WallSeconds).ToList();
                var median = runs[runs.Count / 2];
                table.AddRow(scenario.Name, $"{median.Counts.Considered:N0}", $"{median.Counts.Fit:N0}", $"{median.WallSeconds:F3}", $"{runs[0].WallSeconds:F3}", $"{median.CandidatesPerSecond / 1e6:F1}");
            }
            AnsiConsole.Write(table);
            AnsiConsole.Write(TimelineBench.Run(n));
            AnsiConsole.WriteLine($"{Environment.ProcessorCount} logical processors");
            return 0;
        });
        return command;
    }

    public static Scenario Reference(int nodes)
    {
        var cluster = ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), nodes);
        return new Scenario($"GPT-3 175B on {cluster.Devices} A100, all dimensions open", ModelPresets.Get("gpt3-175b"),
            new TrainingSpec { GlobalBatchSize = 1536, Tokens = 3e11 }, [cluster], new SearchSpace { Framework = [Framework.Megatron, Framework.Fsdp, Framework.DeepSpeed] }, Objective.Time);
    }
}
