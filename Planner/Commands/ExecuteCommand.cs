using System.CommandLine;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Monitoring;
using ScalePlanner.Executor.Training;
using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan execute SCENARIO.json --layout ...`: trains the scenario's model with TorchSharp on the synthetic Markov source, or on
/// token shards with `--data DIR` (loaded by `--workers` workers `--prefetch` batches ahead, inputs masked with `--mask-prob`), and
/// prints the measured step time, peak memory and MFU next to the cost model's prediction for the same layout. What runs: one
/// process with fp32, or bf16 / fp16 (dynamic loss scaling) with fp32 master weights, recomputation none / selective / full,
/// checkpoints, resume and the numerical guards (<see cref="ExecuteTrainingOptions"/>); or, through <see cref="DistributedExecution"/>,
/// dp × tp × pp processes under Open MPI in fp32. Anything else is refused with one line naming what is not built.
/// </summary>
public static class ExecuteCommand
{
    /// <summary>Exit code of a run the numerical guards stopped (2 is bad input, 3 an MPI failure).</summary>
    public const int DivergedExitCode = 4;

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "Scenario JSON file." };
        var layout = new Option<string>("--layout") { Description = "Layout to run: one process (fp32, bf16 or fp16; recompute none|selective|full) or dp·tp·pp processes over Open MPI (fp32, recompute none)." };
        var best = new Option<bool>("--best") { Description = "Run the planner's best layout (by the scenario's objective) that the executor can run here, instead of --layout." };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 10 };
        var profile = CommonOptions.Profile();
        var format = CommonOptions.Format("table", "json");
        var output = new Option<string?>("--out") { Description = "Folder for report.html, steps.csv, comparison.csv and the plots." };
        var data = new Option<string?>("--data") { Description = "Folder of token shards (from `scaleplan tokenize`); default: the synthetic Markov source." };
        var workers = new Option<int>("--workers") { Description = "Loader workers building micro-batches ahead; 0 builds them on the training thread.", DefaultValueFactory = _ => 0 };
        var prefetch = new Option<int>("--prefetch") { Description = "Micro-batches the workers may hold ready (bounded channel depth).", DefaultValueFactory = _ => 2 };
        var maskProbability = new Option<double>("--mask-prob") { Description = $"Probability of replacing each input token by the mask id {TokenMasking.MaskToken}.", DefaultValueFactory = _ => 0 };
        var training = new ExecuteTrainingOptions();
        var command = new Command("execute", "Train the layout with TorchSharp and compare measured step time with the prediction.")
        {
            scenario, layout, best, steps, profile, format, output, data, workers, prefetch, maskProbability,
        };
        foreach (var option in training.All) command.Add(option);
        var distributed = new DistributedExecution();
        distributed.AddTo(command);
        command.SetAction(parse =>
        {
            var loaded = ScenarioLoader.Load(parse.GetValue(scenario)!);
            if ((parse.GetValue(layout) is null) == !parse.GetValue(best))
                throw new SpecException("--layout", "give exactly one of --layout \"dp=..,mb=..,...\" and --best");
            var deviceProfile = CommonOptions.LoadProfile(parse.GetValue(profile));   // read once: --best, the prediction and every rank use it
            var parsed = parse.GetValue(layout) is { } given
                ? Layout.Parse(given)
                : BestRunnableLayout.Find(loaded, deviceProfile, candidate => Supported(candidate, loaded.Model));
            if (parse.GetValue(best)) Console.Error.WriteLine($"best runnable layout: {parsed}");
            var job = loaded.JobWith(parsed.Devices);
            parsed.Validated(job.Model, job.Training, job.Cluster.Devices);
            Supported(parsed, job.Model);
            int n = parse.GetValue(steps);
            if (n < 3) throw new SpecException("--steps", $"must be at least 3 (two warm-up steps and one measured), got {n}");
            if (parsed.Devices > 1)
            {
                if (parse.GetValue(format) == "json")
                    throw new SpecException("--format", "json output across processes is not built; allowed with dp·tp·pp > 1: table");
                if (parse.GetValue(data) is not null)
                    throw new SpecException("--data", "token shards across processes are not built; allowed with dp·tp·pp > 1: the synthetic source (no --data)");
                return distributed.Run(parse, training, parse.GetValue(scenario)!, loaded.Name, job, parsed, n, deviceProfile, parse.GetValue(output));
            }
            var predicted = CostModel.Evaluate(job, parsed, deviceProfile);
            double peakFlops = (deviceProfile ?? job.Cluster.Accelerator.DefaultProfile).PeakFlops(job.Cluster.Accelerator, parsed.Precision);

            int micro = parsed.MicroBatch;
            var (options, resume) = training.Apply(parse, ExecuteTrainingOptions.Defaults(job, parsed, n) with
            {
                ModelFlopsPerStep = predicted.ModelFlopsPerStep,
                PeakFlops = peakFlops,
            }, job.Model.Vocab, Console.Error);
            var input = new InputOptions(parse.GetValue(data), parse.GetValue(workers), parse.GetValue(prefetch), parse.GetValue(maskProbability));
            using var pipeline = new InputPipeline(input, job.Model, micro, position: resume?.DataPosition ?? 0);
            manual_seed(1);
            long baseline = ProcessMemory.ResidentBytes();   // runtime, LibTorch and the source, before any model state
            using var model = new GptModel(job.Model, job.Training.FlashAttention, parsed.Recompute);
            var metrics = new List<StepMetrics>();
            var progress = ProgressDisplay.OnStandardError(n, header: $"data: {pipeline.Description}");
            IReadOnlyList<string> WriteReport(string folder) =>
                Reports.Bundles.ExecutionBundle.Build(loaded.Name, predicted, metrics, pipeline.EntropyRate, ReportContext.ForDevice(parse.GetValue(scenario), [job.Cluster.Accelerator], deviceProfile, usedTorch: true)).Write(folder, DateTime.UtcNow);
            try
            {
                Trainer.Run(model, options, pipeline.Source, m =>
                {
                    metrics.Add(m);
                    progress.Report(m);
                }, resume);
            }
            catch (TrainingDivergedException diverged)
            {
                if (parse.GetValue(output) is { } partial) CommonOptions.PrintWritten(WriteReport(partial));   // the steps that did run, for the post-mortem
                Console.Error.WriteLine($"error: {diverged.Message}");
                return DivergedExitCode;
            }
            var comparison = ExecutionComparison.From(loaded.Name, predicted, metrics, peakFlops);
            if (parse.GetValue(format) == "json") Console.WriteLine(comparison.ToJson());
            else
            {
                ExecutionReport.Write(loaded.Name, predicted, metrics, pipeline.EntropyRate);
                WriteMemoryAndMfu(comparison, predicted, baseline, peakFlops);
            }
            if (parse.GetValue(output) is { } folder)
            {
                CommonOptions.PrintWritten(WriteReport(folder));
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The process's peak resident memory over the measured steps next to the cost model's memory per device: on the CPU the
    /// resident set is the device's memory, and the profile's reserved memory stands for what the runtime and LibTorch hold
    /// before the model exists (printed beside it). MFU measured and predicted, both against the profile's peak FLOP/s (the
    /// Simulator's own MFU divides by the catalog peak).
    /// </summary>
    private static void WriteMemoryAndMfu(ExecutionComparison comparison, SimulationResult predicted, long baseline, double peakFlops)
    {
        const double MiB = 1 << 20;
        var memory = comparison.PeakMemoryBytes;
        Console.WriteLine($"peak memory: measured {memory.Measured / MiB:N1} MiB resident ({baseline / MiB:N1} MiB before the model was built), predicted {memory.Predicted / MiB:N1} MiB ({predicted.Memory.Other / MiB:N1} MiB of it reserve, buffers and logits), error {memory.ErrorPercent:+0.0;-0.0} %");
        Console.WriteLine($"MFU against the profile's peak {peakFlops / 1e9:N1} GFLOP/s: measured {comparison.Mfu.Measured * 100:F1} %, predicted {comparison.Mfu.Predicted * 100:F1} %");
    }

    private static void Supported(Layout layout, ModelSpec model)
    {
        if (layout.Devices > 1)
        {
            DistributedExecution.Supported(layout, model);
            return;
        }
        if (layout.Precision == Precision.Fp8)
            throw new SpecException("layout.precision", "fp8 cannot run here: LibTorch has no fp8 matrix multiply on the CPU (fp8 GEMMs need Hopper-class GPUs); allowed: fp32 bf16 fp16");
        if (layout.Precision is not (Precision.Fp32 or Precision.Bf16 or Precision.Fp16))
            throw new SpecException("layout.precision", $"{layout.Precision.Key()} execution is not built; allowed: fp32 bf16 fp16");
    }
}
