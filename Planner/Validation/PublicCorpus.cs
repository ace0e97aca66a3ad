using ScalePlanner.Reports;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// The public validation corpus: the sets listed in validation/public/sets.csv, one CSV each, every run predicted with the
/// catalog profile of its accelerator (no per-set constant) and compared on the figure the source published. Sets outside the
/// accuracy goal are predicted and printed all the same, with the reason they are outside.
/// </summary>
public static class PublicCorpus
{
    public const string Folder = "public";
    public const string Index = "sets.csv";

    public static IEnumerable<ValidationRow> Validate(string folder) => Evaluate(folder).Select(e => e.Row);

    /// <summary>One run of the corpus with its set, the job it describes and its validation row.</summary>
    public sealed record Evaluated(PublicSet Set, PublishedRun Run, TrainingJob Job, ValidationRow Row);

    public static IEnumerable<Evaluated> Evaluate(string folder)
    {
        foreach (var set in PublicSet.Read(Path.Combine(folder, Index)))
        {
            foreach (var run in PublishedRun.Read(Path.Combine(folder, set.Name + ".csv")))
            {
                var job = run.Job();
                var result = CostModel.Evaluate(job, run.ParsedLayout());
                yield return new Evaluated(set, run, job, new ValidationRow(set.Name, run.Name, run.Metric, Predicted(run, job, result), run.Value)
                {
                    InGoal = set.InGoal, Regime = set.Regime, Reason = set.Reason,
                });
            }
        }
    }

    /// <summary>The prediction in the published metric; TFLOP/s are the predicted tokens/s times the source's own FLOPs per token.</summary>
    private static double Predicted(PublishedRun run, TrainingJob job, SimulationResult result)
    {
        double perGpu = result.TokensPerSecond / result.Devices;
        return run.Metric switch
        {
            "tokens_per_s_per_gpu" => perGpu,
            "tokens_per_s_total" => result.TokensPerSecond,
            "step_seconds" => result.StepTimeSeconds,
            "model_tflops_per_gpu" or "hardware_tflops_per_gpu" when run.FlopFormula.Length > 0 => perGpu * PublishedFlops.PerToken(run.FlopFormula, job.Model) / 1e12,
            "model_tflops_per_gpu" => result.ModelTflopsPerGpu,
            "hardware_tflops_per_gpu" => result.HardwareTflopsPerGpu,
            _ => throw new Simulator.Specs.SpecException($"{run.Name}.metric", $"unknown value '{run.Metric}'"),
        };
    }
}
