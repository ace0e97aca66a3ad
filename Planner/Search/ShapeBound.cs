using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// A lower bound on the score of every layout that shares one micro-batch shape, whatever its pipeline split, ZeRO stage,
/// optimizer or compression: the slowest stage does at least its share of all layers, so a step takes at least
/// (micro-batches per replica) × (all layers' cost per micro-batch) / pp = batch·tp·cp/(devices·mb) × that cost, with no bubble,
/// no data-parallel traffic and no checkpoints (branch and bound, Land &amp; Doig 1960). Time to train, dollars and MFU are monotone in
/// the step, so a shape whose bound already loses to the layouts kept holds no better layout.
/// </summary>
public readonly record struct ShapeBound(double Score, double WallSeconds)
{
    public static ShapeBound Of(TrainingJob job, StepModel stepModel, in MicroBatchCosts shape, in Layout shapeLayout, Objective objective)
    {
        var (model, cluster, training) = job;
        int moeLayers = model.MoeLayers, denseLayers = model.Layers - moeLayers;
        var mtp = stepModel.MultiTokenPrediction(shape);
        double perMicroBatch = denseLayers * Cheapest(shape.Dense) + moeLayers * Cheapest(shape.Moe) + mtp.Total + shape.Embedding.Total + shape.Head.Total;
        int devices = cluster.Devices, tp = shapeLayout.Tp, cp = shapeLayout.Cp;
        double replicaMicroBatches = (double)training.GlobalBatchSize / shapeLayout.MicroBatch;
        double step = replicaMicroBatches * tp * cp / devices * perMicroBatch;
        double modelFlops = replicaMicroBatches * tp * cp
                          * (denseLayers * shape.Dense.Cost.ModelFlops + moeLayers * shape.Moe.Cost.ModelFlops + mtp.ModelFlops + shape.Head.ModelFlops);
        var time = new TimeParts(step, 0, 0, 0, 0, 0, 0, 0, 0);
        var estimate = new StepEstimate(time, default, 1, modelFlops, modelFlops, CheckpointBytes: 0); // no checkpoints: the least failures can cost
        var run = CostModel.Run(job, shapeLayout with { Dp = devices / (tp * cp), Pp = 1 }, estimate);
        double wall = run.TimeToTrainSeconds;
        return new ShapeBound(objective.Score(wall, Objective.Dollars(wall, devices, cluster.PricePerDeviceHour), run.Mfu), wall);
    }

    // A block that recomputes costs more than one that keeps its activations; some layers may do either.
    private static double Cheapest(in BlockCosts block) => Math.Min(block.Cost.Total, block.Kept.Total);
}
