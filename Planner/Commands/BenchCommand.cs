using System.CommandLine;
using ScalePlanner.Planner.Bench;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan bench`: the search's speed on its reference problem (<see cref="SearchBench"/>) and the timeline's (<see cref="TimelineBench"/>).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var repeat = new Option<int>("--repeat") { Description = "Measured repetitions per problem.", DefaultValueFactory = _ => 5 };
        var timelineOnly = new Option<bool>("--timeline") { Description = "Only the event-driven timeline's speed (one step of 1,024 devices with 64 micro-batches)." };
        var command = new Command("bench", "Measure search speed (GPT-3 175B on 1,024 and 4,096 A100, DeepSeek-V3 on 2,048 H800) and the timeline's speed (one step on 1,024 A100, 64 micro-batches).") { repeat, timelineOnly };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(repeat);
            if (n < 1) throw new SpecException("--repeat", $"must be a positive integer, got {n}");
            if (!parse.GetValue(timelineOnly)) BenchTable.WriteSearch(SearchBench.Run(n));
            BenchTable.WriteTimeline(TimelineBench.Run(n));
            return 0;
        });
        return command;
    }
}
