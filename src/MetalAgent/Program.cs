Console.WriteLine("metal");
