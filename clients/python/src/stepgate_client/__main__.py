from stepgate_client.cli import main

main()
