using System.CommandLine;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan simulate SCENARIO.json --layout "dp=..,tp=.."`: the cost model's full prediction for one layout; with
/// `--timeline` the step comes from the event-driven simulation; `--out DIR` writes the report (and the timeline's files).
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario JSON file." };
        var layout = new Option<string>("--layout") { Description = "Layout, e.g. \"dp=32,tp=8,pp=4,mb=1\"; omitted keys take their defaults.", Required = true };
        var format = CommonOptions.Format("table", "json");
        var profile = CommonOptions.Profile();
        var timeline = new Option<bool>("--timeline") { Description = "Simulate the step event by event (pipeline schedule, overlap, stragglers) instead of the closed form." };
        var output = new Option<string?>("--out") { Description = "Folder for report.html, simulation.json, summary.csv, breakdown.csv and the plots; with --timeline also timeline.json and the Gantt chart." };
        var timelineOptions = new TimelineOptionsParser();
        var emit = new Option<string?>("--emit") { Description = "Write this layout as the target's launch configuration on standard output instead: megatron|torchtitan|deepspeed." };
        emit.AcceptOnlyFromAmong([.. Export.ExportTargets.All.Select(t => t.Key)]);
        var command = new Command("simulate", "Predict step time, memory, throughput, time and cost to train for one layout.") { scenario, layout, format, profile, timeline, output, emit };
        foreach (var option in timelineOptions.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string? folder = parse.GetValue(output);
            OutputFolder.Validate(folder);
            bool useTimeline = parse.GetValue(timeline);
            if (!useTimeline && timelineOptions.AnyGiven(parse)) throw new SpecException("--timeline", "--bucket-mb, --straggler and --slow-node steer the timeline; add --timeline");
            var loaded = ScenarioLoader.Load(parse.GetValue(scenario)!);
            var parsed = Layout.Parse(parse.GetValue(layout)!);
            var job = loaded.JobWith(parsed.Devices);
            var deviceProfile = CommonOptions.LoadProfile(parse.GetValue(profile));
            bool json = parse.GetValue(format) == "json";
            if (parse.GetValue(emit) is { } key)
            {
                // The layout is written for the target's own stack (and checked against that stack's rules).
                var target = Export.ExportTargets.Get(key);
                var onStack = job with { Training = job.Training with { Framework = target.Stack } };
                var checkedLayout = parsed.Validated(onStack.Model, onStack.Training, onStack.Cluster.Devices);
                Console.Write(Export.LaunchExport.Emit(target, onStack, checkedLayout, $"{loaded.Name}: {LayoutText.Short(parsed)} on {job.Cluster.Devices} × {job.Cluster.Accelerator.Key}"));
                return 0;
            }
            var band = Validation.AccuracyBands.Default.For(job);
            var changes = loaded.Recipe.Changes(parsed);
            if (!useTimeline)
            {
                var result = CostModel.Evaluate(job, parsed, deviceProfile);
                var closedFormFiles = folder is null ? [] : Written(loaded.Name, result, null, folder, job, deviceProfile, parse.GetValue(scenario)!);
                if (json) Console.WriteLine(SimulationJson.Serialize(result, null, band, changes));
                else SimulationTable.Write(loaded.Name, job, result, band: band, recipeChanges: changes);
                foreach (string line in ProfileBandLines.For(job, parsed, deviceProfile)) (json ? Console.Error : Console.Out).WriteLine(line);
                CommonOptions.PrintWritten(closedFormFiles);
                return 0;
            }

            var simulation = TimelineSimulator.Evaluate(job, parsed, deviceProfile, timelineOptions.Read(parse, recordEvents: folder is not null));
            var written = folder is null ? [] : Written(loaded.Name, simulation.Result, simulation, folder, job, deviceProfile, parse.GetValue(scenario)!);
            if (json) Console.WriteLine(SimulationJson.Serialize(simulation.Result, TimelineJson.Summarize(simulation.Timeline, simulation.ClosedForm), band, changes));
            else
            {
                SimulationTable.Write(loaded.Name, job, simulation.Result, band: band, recipeChanges: changes);
                SimulationTable.WriteTimeline(simulation);
            }
            foreach (string line in ProfileBandLines.For(job, parsed, deviceProfile)) (json ? Console.Error : Console.Out).WriteLine(line);
            CommonOptions.PrintWritten(written);
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<string> Written(string name, Simulator.Simulation.SimulationResult result, TimelineSimulation? timeline, string folder,
        Simulator.Simulation.TrainingJob job, Simulator.Profiles.DeviceProfile? profile, string scenarioPath) =>
        SimulationReport.Build(name, result, timeline, ReportContext.ForDevice(scenarioPath, [job.Cluster.Accelerator], profile)).Write(folder, DateTime.UtcNow);
}
