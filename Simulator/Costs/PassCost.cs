namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Cost of one micro-batch through part of the model on one device: kernel time of the forward and backward passes,
/// of recomputation, the exposed tensor-, context- and expert-parallel communication, and the FLOPs done
/// (model FLOPs without recomputation; hardware FLOPs with it).
/// </summary>
public readonly record struct PassCost(double Forward, double Backward, double Recompute, double TensorComm, double ContextComm, double ModelFlops, double HardwareFlops, double ExpertComm = 0)
{
    public double Total => Forward + Backward + Recompute + TensorComm + ContextComm + ExpertComm;

    public static PassCost operator +(PassCost a, PassCost b) => new(
        a.Forward + b.Forward, a.Backward + b.Backward, a.Recompute + b.Recompute, a.TensorComm + b.TensorComm,
        a.ContextComm + b.ContextComm, a.ModelFlops + b.ModelFlops, a.HardwareFlops + b.HardwareFlops, a.ExpertComm + b.ExpertComm);

    public static PassCost operator *(double k, PassCost a) => new(
        k * a.Forward, k * a.Backward, k * a.Recompute, k * a.TensorComm, k * a.ContextComm, k * a.ModelFlops, k * a.HardwareFlops, k * a.ExpertComm);
}
