using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>A scenario file: a named training job (model, cluster, training) and the planner's objective.</summary>
public sealed record Scenario(string Name, TrainingJob Job, string Objective);
