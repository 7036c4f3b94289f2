from newsletter.console import main

main()
