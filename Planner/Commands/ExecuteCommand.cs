using System.CommandLine;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan execute SCENARIO.json --layout ...`: trains the scenario's model with TorchSharp on the synthetic Markov source and
/// prints the measured step time next to the cost model's prediction for the same layout. What runs today: one process
/// (fp32 or bf16 with fp32 master weights, no recomputation) or, through <see cref="DistributedExecution"/>, dp × tp × pp processes under Open MPI; anything else is refused with one line
/// naming what is not built.
/// </summary>
public static class ExecuteCommand
{
    /// <summary>Successors per token of the synthetic source: a few, so the entropy rate is well below log V and learning is visible.</summary>
    internal const int Branching = 4;

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario JSON file." };
        var layout = new Option<string>("--layout") { Description = "Layout to run; one process (fp32 or bf16) or dp·tp·pp processes over Open MPI (fp32), recompute=none.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 10 };
        var profile = CommonOptions.Profile();
        var output = new Option<string?>("--out") { Description = "Folder for steps.csv." };
        var command = new Command("execute", "Train the layout with TorchSharp and compare measured step time with the prediction.") { scenario, layout, steps, profile, output };
        var distributed = new DistributedExecution();
        distributed.AddTo(command);
        command.SetAction(parse =>
        {
            var loaded = ScenarioLoader.Load(parse.GetValue(scenario)!);
            var parsed = Layout.Parse(parse.GetValue(layout)!);
            var job = loaded.JobWith(parsed.Devices);
            parsed.Validated(job.Model, job.Training, job.Cluster.Devices);
            Supported(parsed);
            int n = parse.GetValue(steps);
            if (n < 3) throw new SpecException("--steps", $"must be at least 3 (two warm-up steps and one measured), got {n}");
            if (parsed.Devices > 1) return distributed.Run(parse, loaded.Name, job, parsed, n, parse.GetValue(profile), parse.GetValue(output));
            var predicted = Simulator.Simulation.Simulator.Evaluate(job, parsed, CommonOptions.LoadProfile(parse.GetValue(profile)));

            var source = new MarkovSource(job.Model.Vocab, Math.Min(Branching, job.Model.Vocab), seed: 1);
            int micro = parsed.MicroBatch;
            var next = new SyntheticBatches(source, job.Model.SequenceLength, seed: 2);
            manual_seed(1);
            using var model = new GptModel(job.Model, job.Training.FlashAttention);
            var options = new TrainerOptions(job.Training.GlobalBatchSize, micro, n, new LearningRateSchedule(1e-3, Math.Max(1, n / 10), n), parsed.Optimizer, Precision: parsed.Precision);
            var metrics = Trainer.Run(model, options, next, m => Console.Error.WriteLine(
                $"step {m.Step + 1}/{n}: loss {m.Loss:F4}, {m.StepSeconds:F3} s (data {m.DataSeconds:F3}, forward {m.ForwardSeconds:F3}, backward {m.BackwardSeconds:F3}, optimizer {m.OptimizerSeconds:F3}), {m.TokensPerSecond:N0} tokens/s, |g| {m.GradientNorm:F3}"));
            ExecutionReport.Write(loaded.Name, predicted, metrics, source.EntropyRate);
            if (parse.GetValue(output) is { } folder)
            {
                foreach (var written in ExecutionReport.WriteFiles(metrics, folder)) Console.Error.WriteLine($"wrote {written}");
            }
            return 0;
        });
        return command;
    }

    private static void Supported(Layout layout)
    {
        if (layout.Devices > 1) DistributedExecution.Supported(layout);
        else if (layout.Precision is not (Precision.Fp32 or Precision.Bf16))
            throw new SpecException("layout.precision", $"{layout.Precision.Key()} execution is not built yet; allowed today: fp32 bf16");
        if (layout.Recompute != RecomputeMode.None)
            throw new SpecException("layout.recompute", "activation recomputation in the executor is not built yet; allowed today: none");
    }
}
