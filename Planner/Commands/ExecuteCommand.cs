using System.CommandLine;
using ScalePlanner.Calibration.Validation;
using ScalePlanner.Executor.Execution;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Reports.Html;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Reports.Progress;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan execute SCENARIO.json --layout ...`: the executor trains the layout (<see cref="ExecutionRunner"/>: one process,
/// or dp·tp·pp processes under Open MPI) and the measured step time, peak memory and MFU are printed next to the cost model's
/// prediction for the same layout. Anything the executor cannot run is refused with one line naming what is not built.
/// </summary>
public static class ExecuteCommand
{
    public static Command Create()
    {
        var options = new ExecuteOptions();
        var command = new Command("execute", "Train the layout with TorchSharp and compare measured step time with the prediction.");
        options.AddTo(command);
        command.SetAction(parse => Run(parse, options));
        return command;
    }

    /// <summary>A run every input of which has been checked, with the cost model's prediction for it: what `execute` then trains.</summary>
    public sealed record Checked(ExecutionRequest Request, SimulationResult Predicted, string ScenarioName, string ScenarioPath, DeviceProfile? Profile, bool Json);

    private static int Run(ParseResult parse, ExecuteOptions options)
    {
        var run = Check(parse, options);
        var (request, predicted, name, scenarioPath, profile, json) = run;
        var accelerator = request.Job.Cluster.Accelerator;
        var busy = BusyMachineWarning.Start();
        var outcome = ConsoleProgress.Run(view => ExecutionRunner.Run(request, new TrainingProgress(view, request.Steps)), live: request.Layout.Devices == 1);
        var speed = outcome.ExitCode == 0 ? SpeedNow(request, parse.GetValue(options.Profile)) : null;   // after the run: its memory figures stay its own
        if (outcome.Reports) busy.Report("execute");
        // MFU is the step's model FLOPs over the peak of all its devices (Chowdhery et al. 2022, App. B).
        if (outcome.Reports) Report(outcome, speed, request.PeakFlops * request.Layout.Devices, predicted, request.Job.Cluster, name, json, parse.GetValue(options.Output), () => ReportContext.ForDevice(scenarioPath, [accelerator], profile, usedTorch: true));
        if (outcome.Error is { } error) Console.Error.WriteLine($"error: {error}");
        return outcome.ExitCode;
    }

    /// <summary>
    /// In each process that trained (this one, or every rank, so side-by-side ranks contend as they did when calibrated), the
    /// profile's reference block stack timed again right after the run (<see cref="MachineSpeed"/>); null without a calibrated profile.
    /// </summary>
    private static MachineSpeed? SpeedNow(ExecutionRequest request, string? profilePath)
    {
        bool trainsHere = request.Layout.Devices == 1 || Mpi.OpenMpi.UnderLauncher;
        return trainsHere && profilePath is not null && ProfileFile.ReadRecord(profilePath) is { } record ? MachineSpeed.Measure(record) : null;
    }

    /// <summary>
    /// Everything `execute` checks before it trains, in the order a user meets it: the output folder and the options' ranges,
    /// the scenario, the layout against the job, what the executor runs, and the prediction. Throws <see cref="SpecException"/>.
    /// </summary>
    public static Checked Check(ParseResult parse, ExecuteOptions options)
    {
        OutputFolder.Validate(parse.GetValue(options.Output));   // before training: a bad folder must not cost the run's report
        options.CheckRanges(parse);
        string scenarioPath = parse.GetValue(options.Scenario)!;
        var scenario = ScenarioLoader.Load(scenarioPath);
        if ((parse.GetValue(options.Layout) is null) == !parse.GetValue(options.Best))
            throw new SpecException("--layout", "give exactly one of --layout \"dp=..,mb=..,...\" and --best");
        var profile = CommonOptions.LoadProfile(parse.GetValue(options.Profile));   // read once: --best, the prediction and every rank use it
        var layout = parse.GetValue(options.Layout) is { } given ? Layout.Parse(given) : Best(scenario, profile);
        var job = scenario.JobWith(layout.Devices);
        layout.Validated(job.Model, job.Training, job.Cluster.Devices);
        options.CheckApplies(parse, layout);
        ExecutionSupport.RequireLayout(layout, job.Model);   // before the prediction: the cost model prices layouts the executor refuses
        bool json = parse.GetValue(options.Format) == "json";
        var predicted = CostModel.Evaluate(job, layout, profile);
        var accelerator = job.Cluster.Accelerator;
        var request = options.Request(parse, job, layout) with
        {
            ModelFlopsPerStep = predicted.ModelFlopsPerStep,
            PeakFlops = (profile ?? accelerator.DefaultProfile).PeakFlops(accelerator, layout.Precision),
        };
        ExecutionSupport.Require(request);
        return new Checked(request, predicted, scenario.Name, scenarioPath, profile, json);
    }

    /// <summary>The planner's top layout for the scenario, as `plan --top 1` ranks it, announced on stderr.</summary>
    private static Layout Best(Scenario scenario, DeviceProfile? profile)
    {
        var best = Planning.Plan(scenario, 1, profile).Top.FirstOrDefault()?.Result.Layout
            ?? throw new SpecException("--best", $"no layout of '{scenario.Name}' fits its cluster; `scaleplan plan` says what would");
        if (!Mpi.OpenMpi.UnderLauncher) Console.Error.WriteLine($"best layout: {best}");   // the launcher names it, not every rank again
        return best;
    }

    /// <summary>
    /// Measured against predicted: the JSON comparison, or the step table with the memory and MFU lines (one process) or the
    /// step's parts (across processes); then the --out folder. A run the guards stopped writes the folder for its post-mortem.
    /// </summary>
    private static void Report(ExecutionOutcome outcome, MachineSpeed? speed, double peakFlops, SimulationResult predicted, Simulator.Hardware.ClusterSpec cluster, string scenario, bool json, string? output, Func<RunContext> context)
    {
        bool finished = outcome.ExitCode == 0;
        var comparison = finished ? ExecutionComparison.From(scenario, predicted, outcome.Steps, peakFlops, outcome.Experts) with { MachineSpeed = speed } : null;
        if (comparison is not null && json) Console.WriteLine(comparison.ToJson());
        else if (comparison is not null)
        {
            if (outcome.Distributed is { } distributed)
                Console.Error.WriteLine(DistributedReport.OptimizerState(distributed.OptimizerElements, distributed.OptimizerMoments));
            ExecutionReport.Write(scenario, predicted, outcome.Steps, outcome.EntropyRate);
            if (outcome.Distributed is { } parts) DistributedReport.Write(predicted, parts.Parts, cluster);
            ExecutionReport.WriteMemoryAndMfu(comparison, predicted, outcome.BaselineBytes, peakFlops);
            if (outcome.Experts is { } experts) Spectre.Console.AnsiConsole.WriteLine(experts.Describe());
            if (speed is not null) Spectre.Console.AnsiConsole.WriteLine(ExecutionReport.Describe(speed));
        }
        if (output is not null)
            CommonOptions.PrintWritten(ExecutionBundle.Build(scenario, predicted, outcome.Steps, outcome.EntropyRate, context()).Write(output, DateTime.UtcNow));
    }
}
