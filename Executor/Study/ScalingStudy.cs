using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Study;

/// <summary>
/// A real scaling study: small GPTs of several widths, each trained for several token budgets (a fresh cosine schedule per
/// budget, as Hoffmann et al. 2022 §3.1 match the schedule to the run length) on the Markov source, each scored by its
/// loss on held-out sequences. The runs feed the same fit as `fit`, whose E should come out near the source's entropy rate.
/// </summary>
public static class ScalingStudy
{
    public sealed record Grid(int[] Widths, int[] Steps, int Layers = 2, int Vocab = 64, int Branching = 4, int Sequence = 64, int Batch = 16);

    public static readonly Grid Quick = new([32, 64, 128], [60, 120, 240]);
    public static readonly Grid Full = new([32, 64, 128, 256], [60, 120, 240, 480]);

    /// <summary>Held-out sequences each run is scored on (the same for every run).</summary>
    private const int EvaluationBatches = 8;

    public static (IReadOnlyList<ScalingRun> Runs, double EntropyRate) Run(Grid grid, Action<string> progress)
    {
        var source = new MarkovSource(grid.Vocab, grid.Branching, seed: 1);
        var evaluation = new SyntheticBatches(source, grid.Sequence, seed: 999);
        var heldOut = Enumerable.Range(0, EvaluationBatches).Select(_ => evaluation.Next(grid.Batch)).ToList();
        var runs = new List<ScalingRun>();
        foreach (int width in grid.Widths)
        {
            var spec = new ModelSpec
            {
                Name = $"study-h{width}", Layers = grid.Layers, Hidden = width, Heads = 4, KvHeads = 4, FfnHidden = 4 * width, Vocab = grid.Vocab,
                SequenceLength = grid.Sequence, TiedEmbeddings = true, Biases = true, Norm = NormKind.LayerNorm, Positions = PositionEmbedding.Learned,
            };
            foreach (int steps in grid.Steps)
            {
                manual_seed(width * 7919 + steps);
                using var model = new GptModel(spec);
                var options = new TrainerOptions(grid.Batch, grid.Batch, steps, new LearningRateSchedule(3e-3, Math.Max(1, steps / 10), steps), OptimizerKind.AdamW, WeightDecay: 0.0);
                Trainer.Run(model, options, new SyntheticBatches(source, grid.Sequence, seed: steps));
                double loss = Evaluate(model, heldOut, grid.Vocab);
                double tokens = (double)steps * grid.Batch * grid.Sequence;
                runs.Add(new ScalingRun(spec.ParameterCount, tokens, loss));
                progress($"h={width} ({spec.ParameterCount:N0} parameters), {tokens:N0} tokens: held-out loss {loss:F4}");
            }
        }
        return (runs, source.EntropyRate);
    }

    private static double Evaluate(GptModel model, IReadOnlyList<(Tensor Inputs, Tensor Targets)> batches, int vocab)
    {
        using var noGrad = no_grad();
        model.eval();
        double total = batches.Average(b =>
        {
            using var scope = NewDisposeScope();
            return nn.functional.cross_entropy(model.forward(b.Inputs).view(-1, vocab), b.Targets.reshape(-1)).item<float>();
        });
        model.train();
        return total;
    }
}
