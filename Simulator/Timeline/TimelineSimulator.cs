using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>One layout through the event simulation: the result as <see cref="CostModel"/> gives it, with the step time and its parts from the timeline.</summary>
public sealed record TimelineSimulation(SimulationResult Result, SimulationResult ClosedForm, TimelineResult Timeline);

public static class TimelineSimulator
{
    public static TimelineSimulation Evaluate(TrainingJob job, Layout layout, DeviceProfile? profile = null, TimelineOptions? options = null)
    {
        layout.Validated(job.Model, job.Training, job.Cluster.Devices);
        options = (options ?? new TimelineOptions()).Validated(job.Cluster);
        var stepModel = new StepModel(job, profile);
        var shape = stepModel.Shape(layout);
        var estimate = stepModel.Estimate(shape, layout);
        var timeline = StepTimeline.Run(StepWorkloadBuilder.Build(job, stepModel, shape, layout, options), options.RecordEvents);
        return new TimelineSimulation(CostModel.Result(job, layout, estimate with { Time = timeline.Time }), CostModel.Result(job, layout, estimate), timeline);
    }
}
