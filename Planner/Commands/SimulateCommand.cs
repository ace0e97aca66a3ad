using System.CommandLine;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan simulate SCENARIO.json --layout "dp=..,tp=.."`: the cost model's full prediction for one layout.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario JSON file." };
        var layout = new Option<string>("--layout") { Description = "Layout, e.g. \"dp=32,tp=8,pp=4,mb=1\"; omitted keys take their defaults.", Required = true };
        var format = CommonOptions.Format("table", "json");
        var profile = CommonOptions.Profile();
        var command = new Command("simulate", "Predict step time, memory, throughput, time and cost to train for one layout.") { scenario, layout, format, profile };
        command.SetAction(parse =>
        {
            var loaded = ScenarioLoader.Load(parse.GetValue(scenario)!);
            var parsed = Layout.Parse(parse.GetValue(layout)!);
            var job = loaded.JobWith(parsed.Devices);
            var result = Simulator.Simulation.Simulator.Evaluate(job, parsed, CommonOptions.LoadProfile(parse.GetValue(profile)));
            if (parse.GetValue(format) == "json") Console.WriteLine(SimulationJson.Serialize(result));
            else SimulationTable.Write(loaded.Name, job, result);
            return 0;
        });
        return command;
    }
}
