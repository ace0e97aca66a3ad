using System.Diagnostics;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Plain data parallelism (zero=0): every replica keeps the whole optimizer state; gradients are averaged (in fp32 or bf16
/// buckets, <see cref="GradientBuckets"/>, or compressed by <see cref="PowerSgd"/>), clipped by the global norm and applied by
/// every replica alike.
/// </summary>
public sealed class ReplicatedOptimizer(IReadOnlyList<Parameter> parameters, IReadOnlyList<Parameter> normParameters, ProcessGrid grid,
    OptimizerKind kind, double learningRate, double weightDecay, IGradientAverager averager) : IReplicaUpdate
{
    private readonly StepOptimizer optimizer = new(kind, parameters, learningRate, weightDecay);

    public long OptimizerElements { get; } = parameters.Sum(p => p.numel());

    public void BeforeLastBackward() => averager.BeforeLastBackward();

    public (int Buckets, double Seconds) TakeOverlap() => averager.TakeOverlap();

    public (double Norm, double ReduceSeconds, double GatherSeconds) Step(double learningRate, double clip, double epsilon)
    {
        long r0 = Stopwatch.GetTimestamp();
        if (grid.DataParallel > 1) averager.AllReduceMean(grid.Mpi, grid.DataGroup, grid.DataParallel);
        double reduce = Stopwatch.GetElapsedTime(r0).TotalSeconds;
        double norm = ClipGlobalNorm(clip, epsilon);
        optimizer.Step(learningRate);
        return (norm, reduce, 0);
    }

    /// <summary>Scales every gradient by min(1, clip / (‖g‖ + ε)), ‖g‖ over all stages and tensor ranks with every weight counted once; returns ‖g‖.</summary>
    private double ClipGlobalNorm(double clip, double epsilon)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Per-tensor fp32 norms, then the norm of the norms, as PyTorch's clip_grad_norm_ computes it (no fp64 copy of every gradient).
        Span<double> squares = [normParameters.Count == 0 ? 0 : stack([.. normParameters.Select(p => linalg.vector_norm(p.grad!))]).to(float64).square().sum().item<double>()];
        // Over the world every data-parallel replica contributes the same (averaged) gradients once.
        grid.Mpi.AllReduceSum(squares, grid.Mpi.World);
        double norm = Math.Sqrt(squares[0] / grid.DataParallel);
        double coefficient = clip / (norm + epsilon);
        if (coefficient < 1)
        {
            foreach (var p in parameters) p.grad!.mul_(coefficient);
        }
        return norm;
    }

    public void Save(BinaryWriter writer)
    {
        optimizer.Save(writer);
        averager.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        optimizer.Load(reader);
        averager.Load(reader);
    }

    public void Dispose() { }
}
