from till.cli import main

main()
