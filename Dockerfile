# One image for every service; compose.yaml picks the service with its command.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-impress-nogui fonts-dejavu-core \
      fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea fonts-noto-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY libs libs
COPY services services
RUN pip install --no-cache-dir ./libs/common ./libs/cli ./services/api ./services/dispatcher \
      ./services/scripter ./services/voice ./services/avatar ./services/composer
