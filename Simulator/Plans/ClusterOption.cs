using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Plans;

/// <summary>
/// One cluster option (with one software stack) of a search and its best layout by the objective: <see cref="Best"/> among
/// those that meet the deadline and budget; when none does, <see cref="BestOutsideConstraints"/>, the fastest that fits in memory;
/// both null when nothing fits. <see cref="OnParetoFront"/>: no other option is both faster and cheaper.
/// </summary>
public sealed record ClusterOption(ClusterSpec Cluster, Framework Framework, RankedLayout? Best, RankedLayout? BestOutsideConstraints, bool OnParetoFront)
{
    public string Name => $"{Cluster.Devices} × {Cluster.Accelerator.Key}{(Framework == Framework.Megatron ? "" : $" ({Framework.Key()})")}";
}
