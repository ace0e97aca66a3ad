namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Cost of one micro-batch through part of the model on one device: kernel time of the forward and backward passes,
/// of recomputation, the exposed tensor- and context-parallel communication, and the FLOPs done
/// (model FLOPs without recomputation; hardware FLOPs with it).
/// </summary>
public readonly record struct PassCost(double Forward, double Backward, double Recompute, double TensorComm, double ContextComm, double ModelFlops, double HardwareFlops)
{
    public double Total => Forward + Backward + Recompute + TensorComm + ContextComm;

    /// <summary>Of <see cref="TensorComm"/>, the part in the forward pass; the backward has the rest but <see cref="RecomputeTensorComm"/>.</summary>
    public double ForwardTensorComm { get; init; }

    /// <summary>Of <see cref="TensorComm"/>, the part a full recomputation repeats before the backward.</summary>
    public double RecomputeTensorComm { get; init; }

    /// <summary>Of <see cref="ContextComm"/>, the part exposed in the forward pass; the backward has the rest.</summary>
    public double ForwardContextComm { get; init; }

    public double BackwardTensorComm => TensorComm - ForwardTensorComm - RecomputeTensorComm;

    public double BackwardContextComm => ContextComm - ForwardContextComm;

    public static PassCost operator +(PassCost a, PassCost b) => new(
        a.Forward + b.Forward, a.Backward + b.Backward, a.Recompute + b.Recompute, a.TensorComm + b.TensorComm,
        a.ContextComm + b.ContextComm, a.ModelFlops + b.ModelFlops, a.HardwareFlops + b.HardwareFlops)
    {
        ForwardTensorComm = a.ForwardTensorComm + b.ForwardTensorComm,
        RecomputeTensorComm = a.RecomputeTensorComm + b.RecomputeTensorComm,
        ForwardContextComm = a.ForwardContextComm + b.ForwardContextComm,
    };

    public static PassCost operator *(double k, PassCost a) => new(
        k * a.Forward, k * a.Backward, k * a.Recompute, k * a.TensorComm, k * a.ContextComm, k * a.ModelFlops, k * a.HardwareFlops)
    {
        ForwardTensorComm = k * a.ForwardTensorComm,
        RecomputeTensorComm = k * a.RecomputeTensorComm,
        ForwardContextComm = k * a.ForwardContextComm,
    };
}
