using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// A run in this one process: the input pipeline the request asks for, the scenario's model built under seed 1, and the
/// training loop (<see cref="Trainer"/>) with its numerical guards and checkpoints; resumed from the newest valid checkpoint
/// when asked. A run the guards stop ends with <see cref="ExecutionOutcome.DivergedExitCode"/> and the steps that did run.
/// </summary>
public static class SingleProcessExecution
{
    public static ExecutionOutcome Run(ExecutionRequest request, IExecutionObserver observer)
    {
        var (job, layout, _) = request;
        var options = request.TrainerOptions() with { Guards = Guards(request, job.Model) };
        var resume = request.Resume ? LatestCheckpoint(request.Checkpoints!.Folder, observer) : null;
        if (resume is not null)
        {
            options.IdentityFor(job.Model).RequireSame(RunIdentity.Of(resume));
            if (resume.Step >= request.Steps)
            {
                observer.Log($"the run is complete: its newest checkpoint is at step {resume.Step} of {request.Steps}; nothing is left to train");
                return new ExecutionOutcome(0);
            }
            observer.Log($"resuming at step {resume.Step + 1} from sample {resume.DataPosition} of the data stream");
        }
        using var pipeline = new InputPipeline(request.Input, job.Model, layout.MicroBatch, position: resume?.DataPosition ?? 0);
        manual_seed(1);
        long baseline = ProcessMemory.ResidentBytes();   // runtime, LibTorch and the source, before any model state
        using var model = new GptModel(job.Model, job.Training.FlashAttention, layout.Recompute);
        var steps = new List<StepMetrics>();
        observer.Started($"data: {pipeline.Description}");
        var outcome = new ExecutionOutcome(0) { EntropyRate = pipeline.EntropyRate, BaselineBytes = baseline };
        try
        {
            Trainer.Run(model, options, pipeline.Source, step =>
            {
                steps.Add(step);
                observer.Step(step);
            }, resume);
        }
        catch (TrainingDivergedException diverged)
        {
            return outcome with { ExitCode = ExecutionOutcome.DivergedExitCode, Error = diverged.Message, Steps = steps };
        }
        return outcome with { Steps = steps, Experts = model.Routing is { } routing ? new ExpertLoad(routing.Histogram()) : null };
    }

    /// <summary>
    /// What a loss spike does (warn unless asked), and a loss bound of 2·ln V: an initialised model guesses about uniformly (loss
    /// ln V), so twice that is a run gone wrong, not a slow start.
    /// </summary>
    public static GuardOptions Guards(ExecutionRequest request, ModelSpec model) =>
        new(request.OnSpike ?? SpikeAction.Warn, LossBound: 2 * Math.Log(model.Vocab));

    /// <summary>The newest checkpoint whose digest matches; names the files passed over, and refuses a folder without one.</summary>
    private static TrainingCheckpoint LatestCheckpoint(string folder, IExecutionObserver observer)
    {
        var latest = new CheckpointStore(folder).LoadLatest(out var rejected);
        foreach (string problem in rejected) observer.Log($"passed over checkpoint {problem}");
        if (latest is null) throw new SpecException("--resume", $"no valid checkpoint in '{folder}'");
        return latest;
    }
}
