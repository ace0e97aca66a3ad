using System.Diagnostics;
using ScalePlanner.Executor.Training;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Plain data parallelism (zero=0): every replica keeps the whole optimizer state; gradients are averaged (in fp32 or bf16
/// buckets, <see cref="GradientBuckets"/>, started during backward, <see cref="OverlappedBuckets"/>, or compressed by
/// <see cref="PowerSgd"/>), clipped by the global norm and applied by every replica alike, on the fp32 main weights.
/// </summary>
public sealed class ReplicatedOptimizer(RankParameters rank, ProcessGrid grid, TrainerOptions options, IGradientAverager averager) : IReplicaUpdate
{
    private readonly StepOptimizer optimizer = new(options.Optimizer, rank.Main, options.Schedule.Peak, options.WeightDecay);

    public long OptimizerElements { get; } = rank.Main.Sum(p => p.numel());

    public BackwardCallbacks Callbacks => new(BeforeLastBackward: averager.BeforeLastBackward);

    public (int Buckets, double Seconds) TakeOverlap() => averager.TakeOverlap();

    public ReducedGradients Reduce(double lossScale)
    {
        rank.Widen(rank.All);
        rank.SumPartials(rank.All);
        double embedding = rank.SharedEmbedding >= 0 ? rank.SumSharedEmbedding(rank.MainGradient(rank.SharedEmbedding)) : 0;
        long r0 = Stopwatch.GetTimestamp();
        if (grid.Replicas > 1) averager.AllReduceMean(grid.Mpi, grid.DataGroup, grid.Replicas);
        double reduce = Stopwatch.GetElapsedTime(r0).TotalSeconds;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (lossScale != 1)
        {
            foreach (int i in rank.All) rank.MainGradient(i).div_(lossScale);
        }
        // Per-tensor fp32 norms, then the norm of the norms, as PyTorch's clip_grad_norm_ computes it; each weight counted once
        // over the model-parallel ranks, and every replica contributes the same (averaged) gradients, hence the division.
        var counted = rank.All.Where(i => rank.CountsInNorm[i]).ToList();
        // Routed experts are held by 1/ep of the replicas and count ep times (RankParameters.NormWeight).
        Span<double> squares = [counted.Count == 0 ? 0 : (stack([.. counted.Select(i => linalg.vector_norm(rank.MainGradient(i)))]).to(float64).square()
            * tensor(counted.Select(rank.NormWeight).ToArray(), dtype: float64)).sum().item<double>()];
        grid.Mpi.AllReduceSum(squares, grid.Mpi.World);
        return new ReducedGradients(Math.Sqrt(squares[0] / grid.Replicas), reduce, embedding);
    }

    public double Apply(double learningRate, double clipCoefficient)
    {
        using (no_grad())
        {
            if (clipCoefficient < 1)
            {
                foreach (int i in rank.All) rank.MainGradient(i).mul_(clipCoefficient);
            }
        }
        optimizer.Step(learningRate);
        rank.UpdateWorking();
        return 0;
    }

    public IReadOnlyList<TorchSharp.Modules.Parameter> Replicated => rank.Replicated;

    public void Save(BinaryWriter writer)
    {
        rank.SaveMasters(writer);
        optimizer.Save(writer);
        averager.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        rank.LoadMasters(reader);
        optimizer.Load(reader);
        averager.Load(reader);
    }

    public void Dispose() { }
}
