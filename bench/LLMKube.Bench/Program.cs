using System.CommandLine;
using LLMKube.Bench.Scenarios;

var transitions = new Option<int>("--transitions") { Description = "State transitions to time (propagation).", DefaultValueFactory = _ => 400 };
var propagation = new Command("propagation", "Delay from a state change on gateway A to the new state on gateway B.") { transitions };
propagation.SetAction(async parse => Console.WriteLine(await Propagation.RunAsync(parse.GetValue(transitions))));

var root = new RootCommand("LLMKube.Orleans benchmarks: every figure is measured against a baseline from the same run.") { propagation };
return await root.Parse(args).InvokeAsync();
